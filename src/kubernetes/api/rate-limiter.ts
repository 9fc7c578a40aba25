// A client-side rate limit like client-go's: a token bucket that refills at
// `qps` tokens a second and holds at most `burst`. Every request takes one
// token first, so a reconcile of two thousand namespaces is spread out at the
// configured pace instead of landing on the API server at once.
import type { Clock, Timers } from '../../schedule/clock.js';

export interface RateLimiter {
  /** Resolves when the caller may send one request; rejects if `signal` aborts first. */
  take(signal?: AbortSignal): Promise<void>;
}

export const DEFAULT_QPS = 20;
export const DEFAULT_BURST = 40;

export function createRateLimiter(options: { qps: number; burst: number; clock: Clock; timers: Timers }): RateLimiter {
  const { qps, burst, clock, timers } = options;
  let tokens = burst;
  let filledAt = clock.now();
  // Takers are served in order; each one waits for the token it was promised.
  let tail: Promise<void> = Promise.resolve();

  function refill() {
    const now = clock.now();
    tokens = Math.min(burst, tokens + ((now - filledAt) / 1000) * qps);
    filledAt = now;
  }

  function wait(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        timers.clearTimeout(handle);
        reject(signal!.reason);
      };
      const handle = timers.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  return {
    take(signal) {
      const turn = tail.then(async () => {
        refill();
        if (tokens < 1) {
          await wait(Math.ceil(((1 - tokens) / qps) * 1000), signal);
          refill();
        }
        tokens -= 1;
      });
      // One aborted taker must not stall the queue behind it.
      tail = turn.catch(() => undefined);
      return turn;
    },
  };
}
