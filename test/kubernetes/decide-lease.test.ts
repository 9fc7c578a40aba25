import { describe, expect, it } from 'vitest';
import { decideLease, formatMicroTime, recordKey, releasedSpec, type LeaseObject, type LeaseSpec } from '../../src/kubernetes/decide-lease.js';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const lease = (spec: LeaseSpec): LeaseObject => ({ metadata: { name: 'l', namespace: 'ns', resourceVersion: '7' }, spec });
const held = (holder: string, renewAt = T0): LeaseSpec => ({
  holderIdentity: holder,
  leaseDurationSeconds: 15,
  acquireTime: formatMicroTime(T0 - 60_000),
  renewTime: formatMicroTime(renewAt),
  leaseTransitions: 3,
});

describe('decideLease', () => {
  it('creates the Lease when there is none, holding it from now', () => {
    const { decision } = decideLease({ lease: undefined, observation: undefined, identity: 'a', now: T0, leaseDurationSeconds: 15 });
    expect(decision).toEqual({
      kind: 'create',
      spec: { holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: '2026-12-01T12:00:00.000000Z', renewTime: '2026-12-01T12:00:00.000000Z', leaseTransitions: 0 },
    });
  });

  it('waits while another holder renewed less than a lease duration ago by the local clock', () => {
    const first = decideLease({ lease: lease(held('b')), observation: undefined, identity: 'a', now: T0 + 1000, leaseDurationSeconds: 15 });
    expect(first.decision).toEqual({ kind: 'held', holder: 'b', expiresAt: T0 + 1000 + 15_000 });
    const later = decideLease({ lease: lease(held('b')), observation: first.observation, identity: 'a', now: T0 + 15_999, leaseDurationSeconds: 15 });
    expect(later.decision.kind).toBe('held');
  });

  it('judges expiry from when it first saw the record, not the renewTime written by another clock', () => {
    // The holder's clock runs an hour behind: its renewTime looks long expired, yet it just renewed.
    const skewed = held('b', T0 - 3_600_000);
    const { decision } = decideLease({ lease: lease(skewed), observation: undefined, identity: 'a', now: T0, leaseDurationSeconds: 15 });
    expect(decision.kind).toBe('held');
  });

  it('takes over an unchanged record once a lease duration has passed since it was first seen', () => {
    const seen = decideLease({ lease: lease(held('b')), observation: undefined, identity: 'a', now: T0, leaseDurationSeconds: 15 });
    const { decision } = decideLease({ lease: lease(held('b')), observation: seen.observation, identity: 'a', now: T0 + 15_000, leaseDurationSeconds: 15 });
    expect(decision).toMatchObject({ kind: 'update', spec: { holderIdentity: 'a', leaseTransitions: 4, acquireTime: formatMicroTime(T0 + 15_000) } });
  });

  it('restarts the count when the holder renews', () => {
    const seen = decideLease({ lease: lease(held('b')), observation: undefined, identity: 'a', now: T0, leaseDurationSeconds: 15 });
    const renewed = held('b', T0 + 2000);
    const next = decideLease({ lease: lease(renewed), observation: seen.observation, identity: 'a', now: T0 + 14_000, leaseDurationSeconds: 15 });
    expect(next.observation).toEqual({ record: recordKey(renewed), observedAt: T0 + 14_000 });
    const after = decideLease({ lease: lease(renewed), observation: next.observation, identity: 'a', now: T0 + 20_000, leaseDurationSeconds: 15 });
    expect(after.decision).toEqual({ kind: 'held', holder: 'b', expiresAt: T0 + 29_000 });
  });

  it('renews its own Lease keeping the acquire time and transition count', () => {
    const mine = held('a');
    const { decision } = decideLease({ lease: lease(mine), observation: undefined, identity: 'a', now: T0 + 2000, leaseDurationSeconds: 15 });
    expect(decision).toEqual({ kind: 'update', spec: { ...mine, renewTime: formatMicroTime(T0 + 2000) } });
  });

  it('takes a released Lease (no holder) at once, counting a transition', () => {
    const released = releasedSpec(held('b'), T0);
    expect(released.holderIdentity).toBeNull();
    const { decision } = decideLease({ lease: lease(released), observation: undefined, identity: 'a', now: T0 + 1, leaseDurationSeconds: 15 });
    expect(decision).toMatchObject({ kind: 'update', spec: { holderIdentity: 'a', leaseTransitions: 4, leaseDurationSeconds: 15 } });
  });

  it('uses the holder\'s own lease duration to decide expiry', () => {
    const long = { ...held('b'), leaseDurationSeconds: 60 };
    const seen = decideLease({ lease: lease(long), observation: undefined, identity: 'a', now: T0, leaseDurationSeconds: 15 });
    const { decision } = decideLease({ lease: lease(long), observation: seen.observation, identity: 'a', now: T0 + 30_000, leaseDurationSeconds: 15 });
    expect(decision).toEqual({ kind: 'held', holder: 'b', expiresAt: T0 + 60_000 });
  });
});
