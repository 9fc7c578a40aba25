// The one way the demo is asked to stop, whatever asks (a signal, a closed
// output, the --for timer): the first reason is kept for the summary.
export interface StopRequest {
  /** Resolves on the first request. */
  readonly stopped: Promise<void>;
  readonly reason: string | undefined;
  request(reason: string): void;
}

export function createStopRequest(): StopRequest {
  let reason: string | undefined;
  let resolve!: () => void;
  const stopped = new Promise<void>((r) => (resolve = r));
  return {
    stopped,
    get reason() {
      return reason;
    },
    request(why) {
      reason ??= why;
      resolve();
    },
  };
}
