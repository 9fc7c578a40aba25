import { describe, expect, it } from 'vitest';
import { RefreshError } from '../../src/errors/refresh-error.js';
import {
  afterFailure,
  afterSuccess,
  AT_RISK_ALERT_HOLD_MS,
  EXPIRED_RETRY_MS,
  GUARD_FLOOR_MS,
  initialRecord,
  PERMANENT_AT_RISK_RETRY_MS,
  PERMANENT_RETRY_MS,
  RETRY_FLOOR_MS,
  type TargetRecord,
  type TransitionPolicy,
} from '../../src/refresh/target-transitions.js';

const HOUR = 3600_000;
const NOW = Date.UTC(2026, 0, 1, 12);
const daemon: TransitionPolicy = {
  now: NOW,
  refreshMarginMs: 4 * HOUR,
  daemon: true,
  backoff: { initialDelayMs: 5_000, maxDelayMs: 900_000, random: () => 0.5 },
};
const oneShot: TransitionPolicy = { ...daemon, daemon: false };
const failure = (reason: RefreshError['reason'], retryable: boolean, extra: { retryAfterMs?: number } = {}) =>
  new RefreshError(reason, { stage: 'push', reason, retryable, ...extra });

describe('target transitions', () => {
  it('guards a fresh token at expiry minus the margin in the daemon, and only there', () => {
    const expiresAt = NOW + 12 * HOUR;
    expect(afterSuccess(initialRecord, { expiresAt, mintedAt: NOW }, daemon)).toEqual({
      record: { expiresAt, lifetimeMs: 12 * HOUR, consecutiveFailures: 0, retryAttempt: 0, atRisk: false, alerted: false, shortTokenReported: false },
      actions: [{ kind: 'guard', at: expiresAt - 4 * HOUR }],
    });
    expect(afterSuccess(initialRecord, { expiresAt, mintedAt: NOW }, oneShot).actions).toEqual([]);
  });

  it('schedules a retry with backoff that grows with each failure, and resets on success', () => {
    const first = afterFailure(initialRecord, failure('conflict', true), daemon);
    expect(first.actions).toContainEqual({ kind: 'retry', at: NOW + 2_500, delayMs: 2_500 });
    expect(first.record).toMatchObject({ consecutiveFailures: 1, retryAttempt: 1 });
    const second = afterFailure(first.record, failure('conflict', true), daemon);
    expect(second.actions).toContainEqual({ kind: 'retry', at: NOW + 5_000, delayMs: 5_000 });
    expect(second.record).toMatchObject({ consecutiveFailures: 2, retryAttempt: 2 });
    expect(afterSuccess(second.record, { expiresAt: NOW + 12 * HOUR }, daemon).record).toMatchObject({ consecutiveFailures: 0, retryAttempt: 0 });
  });

  it('honours Retry-After as the floor of the wait', () => {
    const { actions } = afterFailure(initialRecord, failure('rate_limited', true, { retryAfterMs: 60_000 }), daemon);
    expect(actions).toContainEqual({ kind: 'retry', at: NOW + 60_000, delayMs: 60_000 });
  });

  it('reports a permanent error and alerts at once, and still retries it slowly in the daemon', () => {
    const { actions } = afterFailure(initialRecord, failure('unauthorized', false), daemon);
    expect(actions.map((a) => a.kind)).toEqual(['retry', 'report-permanent', 'at-risk', 'alert']);
    expect(afterFailure(initialRecord, failure('unauthorized', false), oneShot).actions.map((a) => a.kind)).toEqual(['report-permanent']);
  });

  it('raises at-risk once when failing under the margin, and recovered on the next success', () => {
    const held = { ...initialRecord, expiresAt: NOW + 3 * HOUR };
    const first = afterFailure(held, failure('server_error', true), daemon);
    expect(first.actions.map((a) => a.kind)).toEqual(['retry', 'at-risk']);
    expect(first.record.atRisk).toBe(true);
    const again = afterFailure(first.record, failure('server_error', true), daemon);
    expect(again.actions.map((a) => a.kind)).toEqual(['retry']);
    expect(afterSuccess(again.record, { expiresAt: NOW + 12 * HOUR }, daemon).actions.map((a) => a.kind)).toEqual(['recovered', 'guard']);
  });

  it('is not at risk while failing with more than the margin left', () => {
    const held = { ...initialRecord, expiresAt: NOW + 10 * HOUR };
    expect(afterFailure(held, failure('server_error', true), daemon).record.atRisk).toBe(false);
  });

  it('counts a never-pushed target as under the margin in the daemon, not in a one-shot run', () => {
    expect(afterFailure(initialRecord, failure('server_error', true), daemon).record.atRisk).toBe(true);
    const once = afterFailure(initialRecord, failure('server_error', true), oneShot);
    expect(once).toMatchObject({ record: { atRisk: false }, actions: [] });
  });

  it('is at risk whenever provisioning failed, even with a long-lived token', () => {
    const held = { ...initialRecord, expiresAt: NOW + 11 * HOUR };
    const error = new RefreshError('failed', { stage: 'confirm', reason: 'provisioning_failed', retryable: false });
    expect(afterFailure(held, error, oneShot).actions.map((a) => a.kind)).toEqual(['report-permanent', 'at-risk', 'alert']);
  });
});

/** The record after a good refresh at `at` of a token living `lifetimeMs`. */
const confirmed = (at: number, lifetimeMs: number): TargetRecord =>
  afterSuccess(initialRecord, { expiresAt: at + lifetimeMs, mintedAt: at }, { ...daemon, now: at }).record;
const retryOf = (transition: { actions: { kind: string }[] }) =>
  transition.actions.find((a): a is { kind: 'retry'; at: number; delayMs: number } => a.kind === 'retry');
const at = (now: number): TransitionPolicy => ({ ...daemon, now });

describe('a permanent failure in the daemon: reported at once, then tried again slowly', () => {
  it('tries again every few minutes while the token has more than the margin left', () => {
    const held = confirmed(NOW - 2 * HOUR, 12 * HOUR);
    const wait = retryOf(afterFailure(held, failure('access_denied', false), daemon))!.delayMs;
    expect(wait).toBeGreaterThanOrEqual(PERMANENT_RETRY_MS / 2);
    expect(wait).toBeLessThanOrEqual(PERMANENT_RETRY_MS);
  });

  it('tries again faster inside the margin, and faster still as the token runs out', () => {
    const held = confirmed(NOW - 9 * HOUR, 12 * HOUR);
    const wait = retryOf(afterFailure(held, failure('unauthorized', false), daemon))!.delayMs;
    expect(wait).toBeLessThanOrEqual(PERMANENT_AT_RISK_RETRY_MS);
    // 40 s left: a quarter of it at most, so several tries fit before it expires.
    const nearly = confirmed(NOW - 60_000 + 40_000, 60_000);
    const soon = retryOf(afterFailure(nearly, failure('unauthorized', false), daemon))!;
    expect(soon.delayMs).toBeLessThanOrEqual(10_000);
    expect(soon.delayMs).toBeGreaterThanOrEqual(RETRY_FLOOR_MS);
  });

  it('heals a 15 s WAF 403 burst on 60 s tokens with a 40 s margin before the token expires', () => {
    // A good refresh at t=0; every attempt fails 403 until t=guard+15 s; then they succeed.
    const start = NOW;
    let record = confirmed(start, 60_000);
    const guard = afterSuccess(initialRecord, { expiresAt: start + 60_000, mintedAt: start }, at(start)).actions.find((a) => a.kind === 'guard') as { at: number };
    const burstEnds = guard.at + 15_000;
    let now = guard.at;
    const attempts: number[] = [];
    while (now < burstEnds) {
      attempts.push(now);
      const next = afterFailure(record, failure('unauthorized', false), at(now));
      record = next.record;
      now = retryOf(next)!.at;
    }
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(now, 'the first attempt after the burst comes before the token expires').toBeLessThan(start + 60_000);
  });
});

describe('retries once the token has expired or is about to', () => {
  it('keeps retryable backoff short once the token has expired, however many attempts failed', () => {
    const expired = { ...confirmed(NOW - 13 * HOUR, 12 * HOUR), retryAttempt: 20 };
    const wait = retryOf(afterFailure(expired, failure('server_error', true), daemon))!.delayMs;
    expect(wait).toBeLessThanOrEqual(EXPIRED_RETRY_MS);
    expect(wait).toBeGreaterThanOrEqual(RETRY_FLOOR_MS);
  });

  it('keeps a permanent failure short once the token has expired', () => {
    const expired = confirmed(NOW - 13 * HOUR, 12 * HOUR);
    expect(retryOf(afterFailure(expired, failure('access_denied', false), daemon))!.delayMs).toBeLessThanOrEqual(EXPIRED_RETRY_MS);
  });

  it('never waits past a quarter of the time the live token has left', () => {
    const held = { ...confirmed(NOW - 12 * HOUR + 400_000, 12 * HOUR), retryAttempt: 20 };
    expect(retryOf(afterFailure(held, failure('server_error', true), { ...daemon, backoff: { ...daemon.backoff, random: () => 0.999 } }))!.delayMs).toBe(100_000);
  });

  it('never retries sooner than the floor, whatever the settings', () => {
    const tiny: TransitionPolicy = { ...daemon, backoff: { initialDelayMs: 1, maxDelayMs: 2, random: () => 0 } };
    const nearly = confirmed(NOW - 59_990, 60_000);
    for (const error of [failure('server_error', true), failure('unauthorized', false)]) {
      expect(retryOf(afterFailure(nearly, error, tiny))!.delayMs).toBeGreaterThanOrEqual(RETRY_FLOOR_MS);
      expect(retryOf(afterFailure(initialRecord, error, tiny))!.delayMs).toBeGreaterThanOrEqual(RETRY_FLOOR_MS);
    }
  });
});

describe('the expiry guard follows the observed token lifetime', () => {
  it('refreshes a token shorter than the margin at half its life, not at once', () => {
    const { actions } = afterSuccess(initialRecord, { expiresAt: NOW + 20_000, mintedAt: NOW }, daemon);
    expect(actions).toContainEqual({ kind: 'guard', at: NOW + 10_000 });
  });

  it('plans from the mint, so a slow confirm does not shorten the next wait', () => {
    const { actions } = afterSuccess(initialRecord, { expiresAt: NOW + 15_000, mintedAt: NOW - 5_000 }, daemon);
    expect(actions).toContainEqual({ kind: 'guard', at: NOW + 5_000 });
  });

  it('never guards sooner than the floor, however short the token', () => {
    const { actions } = afterSuccess(initialRecord, { expiresAt: NOW + 2_000, mintedAt: NOW }, daemon);
    expect(actions).toContainEqual({ kind: 'guard', at: NOW + GUARD_FLOOR_MS });
  });

  it('bounds the refreshes of a 20 s token with the default 4 h margin', () => {
    let record = initialRecord;
    let now = NOW;
    let refreshes = 0;
    while (now < NOW + 40_000) {
      refreshes++;
      const next = afterSuccess(record, { expiresAt: now + 20_000, mintedAt: now }, at(now));
      record = next.record;
      now = (next.actions.find((a) => a.kind === 'guard') as { at: number }).at;
    }
    expect(refreshes).toBe(4);
  });

  it('reports a token shorter than twice the margin once, with its lifetime', () => {
    const first = afterSuccess(initialRecord, { expiresAt: NOW + 20_000, mintedAt: NOW }, daemon);
    expect(first.actions).toContainEqual({ kind: 'short-token', lifetimeMs: 20_000, refreshEveryMs: 10_000 });
    const second = afterSuccess(first.record, { expiresAt: NOW + 30_000, mintedAt: NOW + 10_000 }, at(NOW + 10_000));
    expect(second.actions.map((a) => a.kind)).not.toContain('short-token');
    expect(afterSuccess(initialRecord, { expiresAt: NOW + 12 * HOUR, mintedAt: NOW }, daemon).actions.map((a) => a.kind)).not.toContain('short-token');
  });
});

describe('the at-risk webhook waits as the alert rule does', () => {
  it('holds a retryable failure for the hold, then alerts on the next failure, once', () => {
    const held = confirmed(NOW - 9 * HOUR, 12 * HOUR);
    const first = afterFailure(held, failure('server_error', true), daemon);
    expect(first.actions.map((a) => a.kind)).toEqual(['retry', 'at-risk']);
    // The next try comes no later than the end of the hold.
    expect(retryOf(first)!.at).toBeLessThanOrEqual(NOW + AT_RISK_ALERT_HOLD_MS);
    const during = afterFailure(first.record, failure('server_error', true), at(NOW + AT_RISK_ALERT_HOLD_MS - 1));
    expect(during.actions.map((a) => a.kind)).toEqual(['retry']);
    const after = afterFailure(during.record, failure('server_error', true), at(NOW + AT_RISK_ALERT_HOLD_MS));
    expect(after.actions.map((a) => a.kind)).toEqual(['retry', 'alert']);
    expect(afterFailure(after.record, failure('server_error', true), at(NOW + 2 * AT_RISK_ALERT_HOLD_MS)).actions.map((a) => a.kind)).toEqual(['retry']);
    expect(afterSuccess(after.record, { expiresAt: NOW + 13 * HOUR }, at(NOW + AT_RISK_ALERT_HOLD_MS)).actions).toContainEqual({ kind: 'recovered', alert: true });
  });

  it('sends nothing for an episode a retry healed within the hold', () => {
    const first = afterFailure(initialRecord, failure('server_error', true), daemon);
    expect(first.actions.map((a) => a.kind)).toEqual(['retry', 'at-risk']);
    expect(afterSuccess(first.record, { expiresAt: NOW + 12 * HOUR }, at(NOW + 5_000)).actions).toContainEqual({ kind: 'recovered', alert: false });
  });

  it('does not hold when the token would be dead before the hold ends', () => {
    const held = confirmed(NOW - 40_000, 60_000);
    expect(afterFailure(held, failure('server_error', true), daemon).actions.map((a) => a.kind)).toEqual(['retry', 'at-risk', 'alert']);
  });
});
