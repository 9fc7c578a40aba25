import { describe, expect, it } from 'vitest';
import { afterAttempt, afterDeadline } from '../../../src/kubernetes/lease/lease-rules.js';

const RENEW_DEADLINE = 10_000;

describe('next leader state', () => {
  it('starts leading on the first acquired attempt, with the deadline counted from when the attempt began', () => {
    const next = afterAttempt({ leading: false }, { outcome: 'acquired', startedAt: 1000, now: 1400, renewDeadlineMs: RENEW_DEADLINE });
    expect(next).toEqual({ state: { leading: true, deadlineAt: 11_000 }, change: 'started' });
  });

  it('moves the deadline on each renewal without announcing a change', () => {
    const next = afterAttempt({ leading: true, deadlineAt: 11_000 }, { outcome: 'acquired', startedAt: 3000, now: 3100, renewDeadlineMs: RENEW_DEADLINE });
    expect(next).toEqual({ state: { leading: true, deadlineAt: 13_000 }, change: undefined });
  });

  it('keeps leading through failed renewals until the deadline, then stops', () => {
    const leading = { leading: true, deadlineAt: 11_000 };
    expect(afterAttempt(leading, { outcome: 'failed', startedAt: 9000, now: 10_999, renewDeadlineMs: RENEW_DEADLINE })).toEqual({ state: leading, change: undefined });
    expect(afterAttempt(leading, { outcome: 'failed', startedAt: 9000, now: 11_000, renewDeadlineMs: RENEW_DEADLINE })).toEqual({ state: { leading: false }, change: 'stopped' });
  });

  it('stops at once when the Lease turns out to be held by another replica', () => {
    expect(afterAttempt({ leading: true, deadlineAt: 11_000 }, { outcome: 'held-by-other', startedAt: 2000, now: 2100, renewDeadlineMs: RENEW_DEADLINE })).toEqual({
      state: { leading: false },
      change: 'stopped',
    });
  });

  it('a standby that fails or waits stays a standby, silently', () => {
    expect(afterAttempt({ leading: false }, { outcome: 'failed', startedAt: 0, now: 50_000, renewDeadlineMs: RENEW_DEADLINE })).toEqual({ state: { leading: false }, change: undefined });
    expect(afterAttempt({ leading: false }, { outcome: 'held-by-other', startedAt: 0, now: 1, renewDeadlineMs: RENEW_DEADLINE }).change).toBeUndefined();
  });

  it('the deadline timer ends leadership only once the deadline has really passed', () => {
    expect(afterDeadline({ leading: true, deadlineAt: 11_000 }, 10_000).change).toBeUndefined();
    expect(afterDeadline({ leading: true, deadlineAt: 11_000 }, 11_000)).toEqual({ state: { leading: false }, change: 'stopped' });
  });

  it('does not take up leadership won too late: the acquire came back after its own renew deadline', () => {
    expect(afterAttempt({ leading: false }, { outcome: 'acquired', startedAt: 1000, now: 11_000, renewDeadlineMs: RENEW_DEADLINE })).toEqual({ state: { leading: false }, change: undefined });
    // A renewal that late ends a term, even if the old deadline had not been seen to pass.
    expect(afterAttempt({ leading: true, deadlineAt: 12_000 }, { outcome: 'acquired', startedAt: 1500, now: 11_600, renewDeadlineMs: RENEW_DEADLINE })).toEqual({
      state: { leading: false },
      change: 'stopped',
    });
  });

  it('leadership lapses before the lease can expire for a replica that saw the last renewal', () => {
    // The renewal began at 5000; another replica saw it no earlier, so for it the lease runs to 5000 + 15 s at least.
    const { state } = afterAttempt({ leading: true, deadlineAt: 0 }, { outcome: 'acquired', startedAt: 5000, now: 5200, renewDeadlineMs: RENEW_DEADLINE });
    expect(state.deadlineAt).toBeLessThan(5000 + 15_000);
  });
});
