import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/refresh/backoff-delay.js';

const opts = (random: number) => ({ initialDelayMs: 5_000, maxDelayMs: 900_000, random: () => random });

describe('backoffDelay', () => {
  it('doubles the ceiling per attempt and draws below it (full jitter)', () => {
    expect(backoffDelay(0, opts(0.999))).toBe(4_995);
    expect(backoffDelay(3, opts(0.999))).toBe(39_960);
    expect(backoffDelay(3, opts(0.25))).toBe(10_000);
  });

  it('never exceeds the maximum delay however many attempts failed', () => {
    expect(backoffDelay(50, opts(0.999))).toBeLessThanOrEqual(900_000);
    expect(backoffDelay(50, opts(0.999))).toBeGreaterThan(890_000);
  });

  it('waits at least as long as Retry-After asks, up to the maximum', () => {
    expect(backoffDelay(0, opts(0), { retryAfterMs: 30_000 })).toBe(30_000);
    expect(backoffDelay(0, opts(0), { retryAfterMs: 10 * 3600_000 })).toBe(900_000);
  });

  it('is never zero, so a retry is never a hot loop', () => {
    expect(backoffDelay(0, opts(0))).toBe(1);
  });
});
