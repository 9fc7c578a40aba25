// API Priority and Fairness answers an overloaded API server's callers with
// 429 and a Retry-After: like client-go, wait that long and send the same
// request again (a few times), rather than fail the write and back off from
// scratch. A 429 without Retry-After, or past the last try, is left to the
// caller's backoff.
import type { Timers } from '../../schedule/clock.js';
import type { KubeClient, KubeRequest } from './create-kube-client.js';
import { isKubernetesError } from './kubernetes-error.js';

export const MAX_RETRY_AFTER_TRIES = 3;
const LONGEST_WAIT_MS = 60_000;

export function honourRetryAfter<C extends KubeClient>(client: C, timers: Timers): C {
  return {
    ...client,
    endpoint: client.endpoint,
    close: () => client.close(),
    async send<T>(call: KubeRequest): Promise<T> {
      for (let tries = 1; ; tries++) {
        try {
          return await client.send<T>(call);
        } catch (error) {
          const waitMs = isKubernetesError(error, 'ERR_KUBE_RATE_LIMITED') ? error.retryAfterMs : undefined;
          if (waitMs === undefined || tries >= MAX_RETRY_AFTER_TRIES || call.signal?.aborted) throw error;
          await new Promise<void>((resolve) => timers.setTimeout(resolve, Math.min(waitMs, LONGEST_WAIT_MS)));
        }
      }
    },
  };
}
