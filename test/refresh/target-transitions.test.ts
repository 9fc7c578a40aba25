import { describe, expect, it } from 'vitest';
import { RefreshError } from '../../src/errors/refresh-error.js';
import { afterFailure, afterSuccess, initialRecord, type TransitionPolicy } from '../../src/refresh/target-transitions.js';

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
    expect(afterSuccess(initialRecord, expiresAt, daemon)).toEqual({
      record: { expiresAt, consecutiveFailures: 0, retryAttempt: 0, atRisk: false },
      actions: [{ kind: 'guard', at: expiresAt - 4 * HOUR }],
    });
    expect(afterSuccess(initialRecord, expiresAt, oneShot).actions).toEqual([]);
  });

  it('schedules a retry with backoff that grows with each failure, and resets on success', () => {
    const first = afterFailure(initialRecord, failure('conflict', true), daemon);
    expect(first.actions).toContainEqual({ kind: 'retry', at: NOW + 2_500, delayMs: 2_500 });
    expect(first.record).toMatchObject({ consecutiveFailures: 1, retryAttempt: 1 });
    const second = afterFailure(first.record, failure('conflict', true), daemon);
    expect(second.actions).toContainEqual({ kind: 'retry', at: NOW + 5_000, delayMs: 5_000 });
    expect(second.record).toMatchObject({ consecutiveFailures: 2, retryAttempt: 2 });
    expect(afterSuccess(second.record, NOW + 12 * HOUR, daemon).record).toMatchObject({ consecutiveFailures: 0, retryAttempt: 0 });
  });

  it('honours Retry-After as the floor of the wait', () => {
    const { actions } = afterFailure(initialRecord, failure('rate_limited', true, { retryAfterMs: 60_000 }), daemon);
    expect(actions).toContainEqual({ kind: 'retry', at: NOW + 60_000, delayMs: 60_000 });
  });

  it('reports a permanent error instead of retrying it', () => {
    const { actions } = afterFailure(initialRecord, failure('unauthorized', false), daemon);
    expect(actions.map((a) => a.kind)).toEqual(['report-permanent', 'at-risk']);
  });

  it('raises at-risk once when failing under the margin, and recovered on the next success', () => {
    const held = { ...initialRecord, expiresAt: NOW + 3 * HOUR };
    const first = afterFailure(held, failure('server_error', true), daemon);
    expect(first.actions.map((a) => a.kind)).toEqual(['retry', 'at-risk']);
    const again = afterFailure(first.record, failure('server_error', true), daemon);
    expect(again.actions.map((a) => a.kind)).toEqual(['retry']);
    expect(afterSuccess(again.record, NOW + 12 * HOUR, daemon).actions.map((a) => a.kind)).toEqual(['recovered', 'guard']);
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
    expect(afterFailure(held, error, oneShot).actions.map((a) => a.kind)).toEqual(['report-permanent', 'at-risk']);
  });
});
