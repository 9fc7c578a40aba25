// Confirms that secret sets reach `ready` after a PUT. One list poll serves
// every set waiting at that moment, so a cycle over many sets costs a few GETs
// rather than one per set. `failed` ends the wait with the server's message.
import { RefreshError, toRefreshError } from '../errors/refresh-error.js';
import type { Clock, TimerHandle, Timers } from '../schedule/clock.js';
import type { SecretsClient } from './create-secrets-client.js';
import { readinessVerdict, type WaitingSet } from './readiness-verdict.js';
import type { SecretSetSummary } from './secret-set.js';

interface Waiter extends WaitingSet {
  resolve(set: SecretSetSummary): void;
  reject(error: RefreshError): void;
}

export interface ReadinessWatcher {
  waitReady(name: string, timeoutMs: number): Promise<SecretSetSummary>;
  stop(): void;
}

// The PUT's reply (`{"status":"OK"}`) does not say whether the set is ready, so
// only a list can. A set that is ready at once is seen 25 ms after its PUT (a
// loopback-cheap look that a first poll at 100 ms made every start wait for);
// after that the looks fall at 100, 300, 700 ms, … as before, doubling the gap
// to one poll every 2 s. One poll serves every waiting set.
export const POLL_DELAYS_MS = [25, 75, 200, 400, 800, 1600, 2000];

export function createReadinessWatcher(deps: { secrets: Pick<SecretsClient, 'listSets'>; clock: Clock; timers: Timers }): ReadinessWatcher {
  const waiters = new Set<Waiter>();
  let timer: TimerHandle | undefined;
  let polls = 0;
  let polling = false;

  function arm() {
    if (timer || polling || waiters.size === 0) return;
    const delay = POLL_DELAYS_MS[Math.min(polls, POLL_DELAYS_MS.length - 1)]!;
    timer = deps.timers.setTimeout(() => {
      timer = undefined;
      void poll();
    }, delay);
  }

  async function poll() {
    polling = true;
    polls++;
    let sets: SecretSetSummary[] | undefined;
    let failure: RefreshError | undefined;
    try {
      sets = await deps.secrets.listSets();
    } catch (error) {
      failure = toRefreshError(error, 'confirm');
    }
    polling = false;
    const now = deps.clock.now();
    for (const waiter of [...waiters]) {
      if (failure?.retryable) waiter.lastError = failure;
      const verdict = readinessVerdict(waiter, { sets, failure, now });
      if (!verdict) continue;
      waiters.delete(waiter);
      if ('ready' in verdict) waiter.resolve(verdict.ready);
      else waiter.reject(verdict.error);
    }
    if (waiters.size === 0) polls = 0;
    arm();
  }

  return {
    waitReady(name, timeoutMs) {
      return new Promise((resolve, reject) => {
        waiters.add({ name, deadline: deps.clock.now() + timeoutMs, resolve, reject });
        arm();
      });
    },
    stop() {
      if (timer) deps.timers.clearTimeout(timer);
      timer = undefined;
      for (const waiter of waiters) {
        waiter.reject(new RefreshError('shutting down before the secret set was confirmed', { stage: 'confirm', reason: 'unknown', retryable: true }));
      }
      waiters.clear();
    },
  };
}
