// Confirms that secret sets have taken a PUT and reached `ready`. One list
// poll serves every set waiting at that moment, so a cycle over many sets
// costs a few GETs rather than one per set; a poll counts only for sets whose
// PUT was answered before it started. What a status proves is decided in
// readiness-verdict.ts. A failed poll puts the next one off by at least a
// second, or by the server's Retry-After, with jitter: never a tight loop.
import { RefreshError, toRefreshError } from '../errors/refresh-error.js';
import type { Clock, TimerHandle, Timers } from '../schedule/clock.js';
import type { SecretsClient } from './create-secrets-client.js';
import { readinessVerdict, settleMsFor, type Confirmation, type WaitingSet } from './readiness-verdict.js';
import type { SecretSetStatus, SecretSetSummary } from './secret-set.js';

/** The set as the confirming look saw it, and what the confirmation rests on. */
export type Confirmed = SecretSetSummary & { confirmation: Confirmation };

interface Waiter extends WaitingSet {
  /** Order of arrival: a poll counts for the waiters that arrived before it started. */
  seq: number;
  resolve(confirmed: Confirmed): void;
  reject(error: RefreshError): void;
}

export interface ReadinessWatcher {
  /** `before`: the set's status before the PUT, undefined when the PUT created it. */
  waitReady(name: string, timeoutMs: number, before?: SecretSetStatus): Promise<Confirmed>;
  stop(): void;
}

// The PUT's reply (`{"status":"OK"}`) does not say whether the set is ready, so
// only a list can. A set that is ready at once is seen 25 ms after its PUT (a
// loopback-cheap look that a first poll at 100 ms made every start wait for);
// after that the looks fall at 100, 300, 700 ms, … as before, doubling the gap
// to one poll every 2 s. One poll serves every waiting set.
export const POLL_DELAYS_MS = [25, 75, 200, 400, 800, 1600, 2000];

/** After a failed poll (429, 5xx, a network error): at least this long, or Retry-After if longer. */
export const FAILED_POLL_FLOOR_MS = 1_000;
/** Up to this fraction is added at random to a wait after a failed poll. */
export const FAILED_POLL_JITTER = 0.2;

export function createReadinessWatcher(deps: {
  secrets: Pick<SecretsClient, 'listSets'>;
  clock: Clock;
  timers: Timers;
  random?: () => number;
}): ReadinessWatcher {
  const random = deps.random ?? Math.random;
  const waiters = new Set<Waiter>();
  let timer: TimerHandle | undefined;
  let polls = 0;
  let polling = false;
  let arrivals = 0;
  let wakeAt = Infinity;
  /** No poll before this (after a failed one). */
  let notBefore = 0;

  function arm() {
    if (timer || polling || waiters.size === 0) return;
    const now = deps.clock.now();
    const scheduled = now + POLL_DELAYS_MS[Math.min(polls, POLL_DELAYS_MS.length - 1)]!;
    const pollAt = Math.max(scheduled, notBefore);
    // A Retry-After beyond a deadline must not hold the wait past it; otherwise the
    // poll after a deadline is the one that gives up.
    wakeAt = notBefore > scheduled ? Math.min(pollAt, ...[...waiters].map((w) => w.deadline)) : pollAt;
    // Decided now, not by reading the clock when the timer fires: timers and clock may be apart.
    const pollsThen = wakeAt === pollAt;
    timer = deps.timers.setTimeout(() => {
      timer = undefined;
      if (pollsThen) void poll();
      else decide({ now: deps.clock.now() }, arrivals);
    }, Math.max(0, wakeAt - now));
  }

  async function poll() {
    polling = true;
    polls++;
    const seenUpTo = arrivals;
    let sets: SecretSetSummary[] | undefined;
    let failure: RefreshError | undefined;
    try {
      sets = await deps.secrets.listSets();
    } catch (error) {
      failure = toRefreshError(error, 'confirm');
    }
    polling = false;
    if (failure?.retryable) {
      const wait = Math.max(failure.retryAfterMs ?? 0, FAILED_POLL_FLOOR_MS);
      notBefore = deps.clock.now() + Math.round(wait * (1 + FAILED_POLL_JITTER * random()));
    }
    decide({ sets, failure, now: deps.clock.now() }, seenUpTo);
  }

  /** Applies a poll (or a wake-up without one) to every waiter; its list only to those that arrived by `seenUpTo`. */
  function decide(result: { sets?: SecretSetSummary[]; failure?: RefreshError; now: number }, seenUpTo: number) {
    for (const waiter of [...waiters]) {
      if (result.failure?.retryable) waiter.lastError = result.failure;
      // A list asked for before this set's PUT was answered may predate the PUT: it proves nothing for it.
      const look = waiter.seq <= seenUpTo ? result : { failure: result.failure, now: result.now };
      settle(waiter, readinessVerdict(waiter, look));
    }
    if (waiters.size === 0) polls = 0;
    arm();
  }

  function settle(waiter: Waiter, verdict: ReturnType<typeof readinessVerdict>) {
    if (!verdict) return;
    waiters.delete(waiter);
    if ('ready' in verdict) waiter.resolve({ ...verdict.ready, confirmation: verdict.confirmation });
    else waiter.reject(verdict.error);
  }

  return {
    waitReady(name, timeoutMs, before) {
      return new Promise((resolve, reject) => {
        const since = deps.clock.now();
        const deadline = since + timeoutMs;
        waiters.add({ name, before, since, deadline, settleMs: settleMsFor(timeoutMs), seq: ++arrivals, resolve, reject });
        if (timer && deadline < wakeAt) {
          deps.timers.clearTimeout(timer);
          timer = undefined;
        }
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
