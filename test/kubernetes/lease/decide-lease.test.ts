import { describe, expect, it } from 'vitest';
import { decideLease, formatMicroTime, recordKey, releasedSpec, type LeaseObject, type LeaseObservation, type LeaseSpec } from '../../../src/kubernetes/lease/lease-rules.js';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const lease = (spec: LeaseSpec): LeaseObject => ({ metadata: { name: 'l', namespace: 'ns', resourceVersion: '7' }, spec });
const held = (holder: string, renewAt = T0): LeaseSpec => ({
  holderIdentity: holder,
  leaseDurationSeconds: 15,
  acquireTime: formatMicroTime(T0 - 60_000),
  renewTime: formatMicroTime(renewAt),
  leaseTransitions: 3,
});
// The tolerance the defaults give (lease 15 s, renew deadline 10 s, retry 2 s): see renewTimeToleranceMs.
const TOLERANCE = 2500;
const look = (spec: LeaseSpec | undefined, now: number, observation?: LeaseObservation, identity = 'a') =>
  decideLease({ lease: spec && lease(spec), observation, identity, now, leaseDurationSeconds: 15, renewTimeToleranceMs: TOLERANCE });

describe('decideLease', () => {
  it('creates the Lease when there is none, holding it from now', () => {
    const { decision } = look(undefined, T0);
    expect(decision).toEqual({
      kind: 'create',
      spec: { holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: '2026-12-01T12:00:00.000000Z', renewTime: '2026-12-01T12:00:00.000000Z', leaseTransitions: 0 },
    });
  });

  it('with agreeing clocks, counts the lease from the renewTime even when the renewal is seen late', () => {
    // Seen 1 s after it was written: the lease still ends 15 s after the renewal itself.
    const first = look(held('b'), T0 + 1000);
    expect(first.decision).toEqual({ kind: 'held', holder: 'b', expiresAt: T0 + 15_000 });
    expect(look(held('b'), T0 + 14_999, first.observation).decision.kind).toBe('held');
  });

  it('with agreeing clocks, takes over at renewTime + lease duration, not a lease after the sighting', () => {
    const seen = look(held('b'), T0 + 2000);
    const { decision } = look(held('b'), T0 + 15_000, seen.observation);
    expect(decision).toMatchObject({ kind: 'update', spec: { holderIdentity: 'a', leaseTransitions: 4, acquireTime: formatMicroTime(T0 + 15_000) } });
  });

  it('trusts a renewTime up to the tolerance before the sighting, and falls back to the sighting beyond it', () => {
    expect(look(held('b'), T0 + TOLERANCE).decision).toEqual({ kind: 'held', holder: 'b', expiresAt: T0 + 15_000 });
    expect(look(held('b'), T0 + TOLERANCE + 1).decision).toEqual({ kind: 'held', holder: 'b', expiresAt: T0 + TOLERANCE + 1 + 15_000 });
  });

  it('judges expiry from when it first saw the record when the holder\'s clock runs behind', () => {
    // The holder's clock runs an hour behind: its renewTime looks long expired, yet it just renewed.
    const { decision } = look(held('b', T0 - 3_600_000), T0);
    expect(decision).toEqual({ kind: 'held', holder: 'b', expiresAt: T0 + 15_000 });
  });

  it('judges expiry from when it first saw the record when the holder\'s clock runs ahead', () => {
    // A renewTime in our future cannot be when we saw it: the local sighting is the safe start.
    const { decision } = look(held('b', T0 + 500), T0);
    expect(decision).toEqual({ kind: 'held', holder: 'b', expiresAt: T0 + 15_000 });
  });

  it('falls back to the sighting when the renewTime cannot be read', () => {
    const { decision } = look({ ...held('b'), renewTime: 'yesterday' }, T0 + 1000);
    expect(decision).toEqual({ kind: 'held', holder: 'b', expiresAt: T0 + 16_000 });
  });

  it('takes over an unchanged record once a lease duration has passed since its start', () => {
    // A record already older than the tolerance when first seen (say, after a restart): the sighting counts.
    const seen = look(held('b'), T0 + 5000);
    expect(look(held('b'), T0 + 19_999, seen.observation).decision.kind).toBe('held');
    const { decision } = look(held('b'), T0 + 20_000, seen.observation);
    expect(decision).toMatchObject({ kind: 'update', spec: { holderIdentity: 'a', leaseTransitions: 4, acquireTime: formatMicroTime(T0 + 20_000) } });
  });

  it('a renewal seen just before the holder died: the lease ends at that renewal + lease duration', () => {
    const seen = look(held('b'), T0);
    const renewed = held('b', T0 + 2000);
    const last = look(renewed, T0 + 2100, seen.observation);
    expect(last.observation).toEqual({ record: recordKey(renewed), observedAt: T0 + 2100 });
    expect(last.decision).toEqual({ kind: 'held', holder: 'b', expiresAt: T0 + 17_000 });
    // No renewal follows: later looks see the same record and the same end.
    expect(look(renewed, T0 + 16_999, last.observation).decision).toEqual({ kind: 'held', holder: 'b', expiresAt: T0 + 17_000 });
    expect(look(renewed, T0 + 17_000, last.observation).decision).toMatchObject({ kind: 'update', spec: { holderIdentity: 'a' } });
  });

  it('restarts the count when the holder renews, keeping the first sighting of each record', () => {
    const seen = look(held('b'), T0);
    // The renewal is first seen 12 s after it was written (far beyond the tolerance): the sighting counts.
    const renewed = held('b', T0 + 2000);
    const next = look(renewed, T0 + 14_000, seen.observation);
    expect(next.observation).toEqual({ record: recordKey(renewed), observedAt: T0 + 14_000 });
    const after = look(renewed, T0 + 20_000, next.observation);
    expect(after.decision).toEqual({ kind: 'held', holder: 'b', expiresAt: T0 + 29_000 });
  });

  it('renews its own Lease keeping the acquire time and transition count', () => {
    const mine = held('a');
    const { decision } = look(mine, T0 + 2000);
    expect(decision).toEqual({ kind: 'update', spec: { ...mine, renewTime: formatMicroTime(T0 + 2000) } });
  });

  it('takes a released Lease (no holder) at once, counting a transition', () => {
    const released = releasedSpec(held('b'), T0);
    expect(released.holderIdentity).toBeNull();
    const { decision } = look(released, T0 + 1);
    expect(decision).toMatchObject({ kind: 'update', spec: { holderIdentity: 'a', leaseTransitions: 4, leaseDurationSeconds: 15 } });
  });

  it('uses the holder\'s own lease duration to decide expiry', () => {
    const long = { ...held('b'), leaseDurationSeconds: 60 };
    const seen = look(long, T0);
    const { decision } = look(long, T0 + 30_000, seen.observation);
    expect(decision).toEqual({ kind: 'held', holder: 'b', expiresAt: T0 + 60_000 });
  });
});
