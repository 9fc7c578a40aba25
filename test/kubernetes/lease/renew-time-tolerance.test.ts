import { describe, expect, it } from 'vitest';
import { renewTimeToleranceMs } from '../../../src/kubernetes/lease/lease-rules.js';

describe('renewTimeToleranceMs', () => {
  it('allows a retry period and a second of sighting lag where the settings leave room', () => {
    expect(renewTimeToleranceMs({ leaseDurationMs: 60_000, renewDeadlineMs: 30_000, retryPeriodMs: 2000 })).toBe(3000);
  });

  it('never takes more than half the gap between the leader giving up and a standby taking over', () => {
    // The defaults: a 5 s gap, so 2.5 s — still more than a retry period of lag.
    expect(renewTimeToleranceMs({ leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2000 })).toBe(2500);
    expect(renewTimeToleranceMs({ leaseDurationMs: 4000, renewDeadlineMs: 2500, retryPeriodMs: 500 })).toBe(750);
  });
});
