// What one refresh result does to a target, as pure functions: a record and a
// result go in; the next record and the actions to take come out (retry at T,
// guard at T, became at-risk or recovered, alert, report a permanent error).
// No timers, no I/O: drivers carry the actions out, and tests read them directly.
//
// The timing rules, all in this file:
// - after a success the guard refreshes the target at the margin, but never
//   before half the token's observed life (expiry minus mint time) has gone,
//   and never sooner than GUARD_FLOOR_MS: a token shorter than the margin is
//   refreshed at half its life instead of at once, over and over;
// - after a retryable failure, capped exponential backoff with full jitter
//   (backoff-delay.ts);
// - after a permanent failure ("a person must act") the daemon still tries
//   again, slowly: every PERMANENT_RETRY_MS, every PERMANENT_AT_RISK_RETRY_MS
//   inside the margin, so that it heals soon after the person has acted;
// - whatever the class, a retry never waits past a quarter of the time the
//   live token has left, and at most EXPIRED_RETRY_MS once it has expired;
// - every retry waits at least RETRY_FLOOR_MS plus jitter: no tight loop.
import type { RefreshError } from '../errors/refresh-error.js';
import { backoffDelay, type BackoffOptions } from './backoff-delay.js';

/** No daemon retry comes sooner than this after a failure, whatever the settings. */
export const RETRY_FLOOR_MS = 1_000;
/** No expiry guard fires sooner than this after a success, however short the token. */
export const GUARD_FLOOR_MS = 5_000;
/** A permanent failure is tried again this often while the token has more than the margin left. */
export const PERMANENT_RETRY_MS = 5 * 60_000;
/** ... and this often inside the margin. */
export const PERMANENT_AT_RISK_RETRY_MS = 60_000;
/** Once the token has expired, no retry waits longer than this. */
export const EXPIRED_RETRY_MS = 60_000;
/**
 * The at-risk webhook waits this long for a retry to heal a retryable fault,
 * like the `for: 10m` of the EcrTokenRefresherAtRisk alert rule.
 */
export const AT_RISK_ALERT_HOLD_MS = 10 * 60_000;

export interface TargetRecord {
  /** Expiry of the token last pushed and confirmed, epoch ms. */
  expiresAt?: number;
  /** How long that token lived from its mint, as observed (expiresAt minus mint time). */
  lifetimeMs?: number;
  consecutiveFailures: number;
  lastFailure?: RefreshError;
  /** Backoff step of the next retry; reset by a success. */
  retryAttempt: number;
  atRisk: boolean;
  /** When the target went at risk, epoch ms; the alert hold counts from here. */
  atRiskSince?: number;
  /** The at-risk webhook was sent for the current episode. */
  alerted: boolean;
  /** A token shorter than twice the margin was reported (once per process). */
  shortTokenReported: boolean;
}

export type TargetAction =
  | { kind: 'retry'; at: number; delayMs: number }
  | { kind: 'guard'; at: number }
  | { kind: 'at-risk' }
  /** Send the at-risk webhook now (the hold is over, or the failure needs a person). */
  | { kind: 'alert' }
  /** `alert`: the at-risk webhook was sent for this episode, so the recovery is sent too. */
  | { kind: 'recovered'; alert: boolean }
  | { kind: 'report-permanent' }
  | { kind: 'short-token'; lifetimeMs: number; refreshEveryMs: number };

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

export const initialRecord: TargetRecord = Object.freeze({
  consecutiveFailures: 0,
  retryAttempt: 0,
  atRisk: false,
  alerted: false,
  shortTokenReported: false,
});

/**
 * The margin in effect for a token of the given lifetime: the configured one,
 * or half the lifetime when that is less (so a short token is refreshed at
 * half its life, as the kubelet's credential providers do, not at once).
 */
export function effectiveMarginMs(refreshMarginMs: number, lifetimeMs: number | undefined): number {
  return lifetimeMs === undefined ? refreshMarginMs : Math.min(refreshMarginMs, lifetimeMs / 2);
}

/** A confirmed token: when it expires and, if known, when it was minted. */
export interface ConfirmedToken {
  expiresAt: number;
  mintedAt?: number;
}

export function afterSuccess(record: TargetRecord, token: ConfirmedToken, policy: TransitionPolicy): Transition {
  const { expiresAt } = token;
  const lifetimeMs = Math.max(0, expiresAt - (token.mintedAt ?? policy.now));
  const margin = effectiveMarginMs(policy.refreshMarginMs, lifetimeMs);
  const next: TargetRecord = {
    expiresAt,
    lifetimeMs,
    consecutiveFailures: 0,
    retryAttempt: 0,
    atRisk: false,
    alerted: false,
    shortTokenReported: record.shortTokenReported,
  };
  const actions: TargetAction[] = [];
  if (record.atRisk) actions.push({ kind: 'recovered', alert: record.alerted });
  if (margin < policy.refreshMarginMs && !record.shortTokenReported) {
    next.shortTokenReported = true;
    actions.push({ kind: 'short-token', lifetimeMs, refreshEveryMs: Math.max(GUARD_FLOOR_MS, lifetimeMs - margin) });
  }
  if (policy.daemon) actions.push({ kind: 'guard', at: Math.max(expiresAt - margin, policy.now + GUARD_FLOOR_MS) });
  return { record: next, actions };
}

export function afterFailure(record: TargetRecord, error: RefreshError, policy: TransitionPolicy): Transition {
  const next: TargetRecord = { ...record, lastFailure: error, consecutiveFailures: record.consecutiveFailures + 1 };
  const actions: TargetAction[] = [];
  const margin = effectiveMarginMs(policy.refreshMarginMs, record.lifetimeMs);
  const msLeft = record.expiresAt === undefined ? undefined : record.expiresAt - policy.now;
  const underMargin = msLeft === undefined ? policy.daemon : msLeft < margin;

  if (!error.retryable) actions.push({ kind: 'report-permanent' });
  const atRisk = underMargin || error.reason === 'provisioning_failed';
  if (atRisk && !record.atRisk) {
    next.atRisk = true;
    next.atRiskSince = policy.now;
    actions.push({ kind: 'at-risk' });
  }
  if (next.atRisk && !next.alerted && alertNow(next, error, policy.now, msLeft)) {
    next.alerted = true;
    actions.push({ kind: 'alert' });
  }
  if (policy.daemon) {
    const delayMs = retryDelayMs(next, record.retryAttempt, error, policy, { msLeft, underMargin });
    next.retryAttempt = record.retryAttempt + 1;
    actions.unshift({ kind: 'retry', at: policy.now + delayMs, delayMs });
  }
  return { record: next, actions };
}

/**
 * The webhook, like the alert rule, waits for retries to heal a retryable
 * fault; it does not wait for one that needs a person, nor past the point
 * where the token would be dead before the hold ends.
 */
function alertNow(record: TargetRecord, error: RefreshError, now: number, msLeft: number | undefined): boolean {
  if (!error.retryable) return true;
  if (msLeft !== undefined && msLeft <= AT_RISK_ALERT_HOLD_MS) return true;
  return now - (record.atRiskSince ?? now) >= AT_RISK_ALERT_HOLD_MS;
}

function retryDelayMs(
  record: TargetRecord,
  attempt: number,
  error: RefreshError,
  policy: TransitionPolicy,
  token: { msLeft: number | undefined; underMargin: boolean },
): number {
  const random = policy.backoff.random ?? Math.random;
  let delay: number;
  if (error.retryable) {
    delay = backoffDelay(attempt, policy.backoff, { retryAfterMs: error.retryAfterMs });
  } else {
    // RETRY_MAX_DELAY bounds every wait, this one too.
    const every = Math.min(token.underMargin ? PERMANENT_AT_RISK_RETRY_MS : PERMANENT_RETRY_MS, policy.backoff.maxDelayMs);
    // Half to all of the period: spread out, never zero.
    delay = Math.round(every * (0.5 + random() / 2));
  }
  const { msLeft } = token;
  // Leave room for several more tries before the token in the secret dies, and
  // keep trying often once it has: every minute without a token counts.
  if (msLeft !== undefined) delay = Math.min(delay, msLeft > 0 ? Math.floor(msLeft / 4) : EXPIRED_RETRY_MS);
  // A target at risk and not yet alerted is tried again when the alert hold
  // ends, so that the webhook goes out on time if that try fails too.
  if (record.atRiskSince !== undefined && !record.alerted && error.retryable) {
    const holdEnds = record.atRiskSince + AT_RISK_ALERT_HOLD_MS - policy.now;
    if (holdEnds > 0) delay = Math.min(delay, holdEnds);
  }
  return Math.max(delay, RETRY_FLOOR_MS + Math.floor(random() * RETRY_FLOOR_MS));
}
