// What one list poll means for one set waiting to be confirmed: ready,
// failed (with the platform's message), timed out, or keep waiting.
import { RefreshError } from '../errors/refresh-error.js';
import type { SecretSetSummary } from './secret-set.js';

export interface WaitingSet {
  name: string;
  deadline: number;
  /** The last retryable poll failure, reported if the wait times out. */
  lastError?: RefreshError;
}

export type Verdict = { ready: SecretSetSummary } | { error: RefreshError } | undefined;

export function readinessVerdict(
  waiter: WaitingSet,
  poll: { sets?: SecretSetSummary[]; failure?: RefreshError; now: number },
): Verdict {
  if (poll.failure && !poll.failure.retryable) return { error: poll.failure };
  const set = poll.sets?.find((s) => s.name === waiter.name);
  if (set?.status === 'ready') return { ready: set };
  if (set?.status === 'failed') {
    const message = set.errorMessage ? `: ${set.errorMessage}` : '';
    return {
      error: new RefreshError(`Pipecat Cloud reports provisioning of secret set "${waiter.name}" failed${message}`, {
        stage: 'confirm',
        reason: 'provisioning_failed',
        retryable: false,
      }),
    };
  }
  if (poll.now < waiter.deadline) return undefined;
  return {
    error:
      waiter.lastError ??
      new RefreshError(`secret set "${waiter.name}" was still ${set ? set.status : 'missing from the list'} when the confirm timeout ran out`, {
        stage: 'confirm',
        reason: 'provisioning_timeout',
        retryable: true,
      }),
  };
}
