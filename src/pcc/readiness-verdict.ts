// What one list poll means for one set waiting to be confirmed: ready,
// failed (with the platform's message), timed out, or keep waiting.
//
// The list says only `pending`, `ready` or `failed`: no timestamp, no version,
// nothing that ties a status to a write. A set that was `ready` before the PUT
// and still says `ready` may not have seen the new value yet (the status can
// change late). So a `ready` counts at once only when it cannot be the old
// state: the set is new, or a look taken after the PUT saw it leave its old
// state (`pending`, or a different final status). Otherwise it counts only
// once it has held for the settle window after the PUT — the best a status
// without versions allows, and weaker: a platform that flips later than that
// is not caught.
import { RefreshError } from '../errors/refresh-error.js';
import type { SecretSetStatus, SecretSetSummary } from './secret-set.js';

/** How long an unchanged `ready` must hold after the PUT, at most; half the confirm timeout when that is shorter. */
export const SETTLE_MS = 10_000;

/** What the confirmation rests on (the `confirmation` field of the success log line). */
export type Confirmation = 'new-set' | 'status-change' | 'settled';

export interface WaitingSet {
  name: string;
  deadline: number;
  /** The set's status before the PUT; undefined when the PUT created it. */
  before?: SecretSetStatus;
  /** now() when the PUT had been answered: only looks started from then on count. */
  since: number;
  settleMs: number;
  /** A look after the PUT saw the set leave the state it had before. */
  moved?: boolean;
  /** The last retryable poll failure, reported if the wait times out. */
  lastError?: RefreshError;
}

export type Verdict = { ready: SecretSetSummary; confirmation: Confirmation } | { error: RefreshError } | undefined;

/** The settle window of a wait of `timeoutMs`. */
export function settleMsFor(timeoutMs: number): number {
  return Math.min(SETTLE_MS, Math.floor(timeoutMs / 2));
}

/**
 * The verdict of a poll for `waiter` (which it may mark as `moved`). `sets` is
 * undefined when the poll failed or no poll was made (a wake-up at a deadline).
 */
export function readinessVerdict(
  waiter: WaitingSet,
  poll: { sets?: SecretSetSummary[]; failure?: RefreshError; now: number },
): Verdict {
  if (poll.failure && !poll.failure.retryable) return { error: poll.failure };
  const set = poll.sets?.find((s) => s.name === waiter.name);
  if (set) {
    const final = set.status !== 'pending';
    if (!final && waiter.before !== 'pending') waiter.moved = true;
    const confirmation = final ? evidence(waiter, set.status, poll.now) : undefined;
    if (confirmation && set.status === 'ready') return { ready: set, confirmation };
    if (confirmation && set.status === 'failed') return { error: provisioningFailed(waiter.name, set) };
  }
  if (poll.now < waiter.deadline) return undefined;
  return { error: waiter.lastError ?? timedOut(waiter, set) };
}

/** Whether a final status seen now proves the platform has taken up the PUT, and how. */
function evidence(waiter: WaitingSet, status: SecretSetStatus, now: number): Confirmation | undefined {
  if (waiter.before === undefined) return 'new-set';
  if (waiter.moved) return 'status-change';
  // An earlier write still provisioning may be what turns final now: that is no change of ours.
  if (waiter.before !== 'pending' && status !== waiter.before) return 'status-change';
  return now - waiter.since >= waiter.settleMs ? 'settled' : undefined;
}

function provisioningFailed(name: string, set: SecretSetSummary) {
  const message = set.errorMessage ? `: ${set.errorMessage}` : '';
  return new RefreshError(`Pipecat Cloud reports provisioning of secret set "${name}" failed${message}`, {
    stage: 'confirm',
    reason: 'provisioning_failed',
    retryable: false,
  });
}

function timedOut(waiter: WaitingSet, set: SecretSetSummary | undefined) {
  return new RefreshError(`secret set "${waiter.name}" was ${set ? `still ${set.status}` : 'missing from the list'} when the confirm timeout ran out`, {
    stage: 'confirm',
    reason: 'provisioning_timeout',
    retryable: true,
  });
}
