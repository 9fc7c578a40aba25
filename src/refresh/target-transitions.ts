// What one refresh result does to a target, as pure functions: a record and a
// result go in; the next record and the actions to take come out (retry at T,
// guard at T, became at-risk or recovered, report a permanent error). No
// timers, no I/O: drivers carry the actions out, and tests read them directly.
import type { RefreshError } from '../errors/refresh-error.js';
import { backoffDelay, type BackoffOptions } from './backoff-delay.js';

export interface TargetRecord {
  /** Expiry of the token last pushed and confirmed, epoch ms. */
  expiresAt?: number;
  consecutiveFailures: number;
  lastFailure?: RefreshError;
  /** Backoff step of the next retry; reset by a success. */
  retryAttempt: number;
  atRisk: boolean;
}

export type TargetAction =
  | { kind: 'retry'; at: number; delayMs: number }
  | { kind: 'guard'; at: number }
  | { kind: 'at-risk' }
  | { kind: 'recovered' }
  | { kind: 'report-permanent' };

export interface TransitionPolicy {
  now: number;
  refreshMarginMs: number;
  /**
   * A daemon retries and guards on its own timers, and counts a target it has
   * never pushed as under the margin (it cannot vouch for the secret). A
   * one-shot run is a new process that never knows the previous run's token:
   * it leaves that judgement to the expiry series the last good run pushed.
   */
  daemon: boolean;
  backoff: BackoffOptions;
}

export interface Transition {
  record: TargetRecord;
  actions: TargetAction[];
}

export const initialRecord: TargetRecord = Object.freeze({ consecutiveFailures: 0, retryAttempt: 0, atRisk: false });

export function afterSuccess(record: TargetRecord, expiresAt: number, policy: TransitionPolicy): Transition {
  const next: TargetRecord = { expiresAt, consecutiveFailures: 0, retryAttempt: 0, atRisk: false };
  const actions: TargetAction[] = [];
  if (record.atRisk) actions.push({ kind: 'recovered' });
  if (policy.daemon) actions.push({ kind: 'guard', at: expiresAt - policy.refreshMarginMs });
  return { record: next, actions };
}

export function afterFailure(record: TargetRecord, error: RefreshError, policy: TransitionPolicy): Transition {
  const next: TargetRecord = { ...record, lastFailure: error, consecutiveFailures: record.consecutiveFailures + 1 };
  const actions: TargetAction[] = [];
  if (!error.retryable) actions.push({ kind: 'report-permanent' });
  else if (policy.daemon) {
    const delayMs = backoffDelay(record.retryAttempt, policy.backoff, {
      retryAfterMs: error.retryAfterMs,
      msUntilExpiry: record.expiresAt === undefined ? undefined : record.expiresAt - policy.now,
    });
    next.retryAttempt = record.retryAttempt + 1;
    actions.push({ kind: 'retry', at: policy.now + delayMs, delayMs });
  }
  const underMargin = record.expiresAt === undefined ? policy.daemon : record.expiresAt - policy.now < policy.refreshMarginMs;
  const atRisk = underMargin || error.reason === 'provisioning_failed';
  if (atRisk && !record.atRisk) {
    next.atRisk = true;
    actions.push({ kind: 'at-risk' });
  }
  return { record: next, actions };
}
