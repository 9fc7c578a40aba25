// With leader election, each term of leadership writes through sinks fenced
// by that term. A write may only start while the term holds (the elector
// answers that from a monotonic clock, so a process that stalled past its
// renew deadline is refused even before any timer has run), and the sink is
// handed the fence to check again before each request and to abort requests
// in flight when the term ends. A publish queued in one term (behind the
// concurrency limit) is refused if it runs after that term, even if this
// replica leads again by then. Plans only read, so they pass; confirmation
// waits end with their term, and a term's stop ends only its own waits, so a
// term that drains slowly cannot cut short the waits of the next one.
import { causeChain } from '../http/cause-chain.js';
import { RefreshError } from '../errors/refresh-error.js';
import type { Sink, Sinks, WriteFence } from './sink.js';

/**
 * Why a term's work stopped: its term of leadership ended. The elector aborts a
 * term's signal with it, so a request cut short carries it in its cause chain,
 * and a write refused before it started carries it too.
 */
export class TermEndedError extends Error {
  override name = 'TermEndedError';
  readonly code = 'ERR_TERM_ENDED';
}

/** A write refused because the term it belongs to no longer holds the Lease. */
export function leadershipLapsedError(): RefreshError {
  return new RefreshError('not written: this replica no longer holds the leader election Lease', {
    stage: 'push',
    reason: 'unknown',
    retryable: false,
    cause: new TermEndedError("this replica's term of leadership ended"),
  });
}

/**
 * Whether a failure is only the end of this replica's term: nothing a person
 * must fix, and nothing this replica should retry, since the next leader
 * refreshes every target when it starts.
 */
export function isTermEnded(error: unknown): boolean {
  return causeChain(error).some((link) => link.code === 'ERR_TERM_ENDED');
}

export function fenceSinks(sinks: Sinks, fence: WriteFence): Sinks {
  const stopped = new AbortController();
  const ended = AbortSignal.any([fence.signal, stopped.signal]);
  const fenced: Sinks = {};
  for (const [kind, sink] of Object.entries(sinks) as [keyof Sinks, Sink][]) {
    fenced[kind] = {
      ...sink,
      batch() {
        const batch = sink.batch();
        return {
          ...batch,
          publish(plan) {
            if (!fence.holds()) return Promise.reject(leadershipLapsedError());
            return batch.publish(plan, fence);
          },
          confirm: (plan, timeoutMs) => endWithTerm(batch.confirm(plan, timeoutMs), ended),
        };
      },
      // The sink itself serves the next term; the process's stop ends it.
      stop: () => stopped.abort(),
    };
  }
  return fenced;
}

/** `work`, or a retryable confirm failure as soon as the term ends. */
function endWithTerm<T>(work: Promise<T>, ended: AbortSignal): Promise<T> {
  const termEnded = () =>
    new RefreshError("not confirmed: this replica's term of leadership ended first", {
      stage: 'confirm',
      reason: 'unknown',
      retryable: true,
      cause: new TermEndedError("this replica's term of leadership ended"),
    });
  if (ended.aborted) {
    work.catch(() => undefined);
    return Promise.reject(termEnded());
  }
  return new Promise<T>((resolve, reject) => {
    const onEnd = () => reject(termEnded());
    ended.addEventListener('abort', onEnd, { once: true });
    work.then(resolve, reject).finally(() => ended.removeEventListener('abort', onEnd));
  });
}
