// The elector's timing on simulated time, with the default settings: when a
// standby looks, and when it takes over. The API-server tests cover the wire.
import { afterEach, describe, expect, it } from 'vitest';
import { createLeaderElector, type LeaderElector } from '../../../src/kubernetes/lease/create-leader-elector.js';
import { formatMicroTime, type LeaseObject } from '../../../src/kubernetes/lease/lease-rules.js';
import { captureLog } from '../../support/capture-log.js';
import { createFakeTime, type FakeTime } from '../../support/fake-time.js';
import { createLeaseStore } from '../support/create-lease-store.js';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const DEFAULTS = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2000 };
const heldBy = (holder: string, renewTime: number): LeaseObject => ({
  metadata: { name: 'refresher', namespace: 'ns' },
  spec: { holderIdentity: holder, leaseDurationSeconds: 15, acquireTime: formatMicroTime(T0 - 60_000), renewTime: formatMicroTime(renewTime), leaseTransitions: 0 },
});

let electors: LeaderElector[] = [];
afterEach(async () => {
  await Promise.all(electors.map((e) => e.stop({ release: false })));
  electors = [];
});

function elector(time: FakeTime, store: ReturnType<typeof createLeaseStore>, identity: string, started: Array<[string, number]>) {
  const made = createLeaderElector({
    client: store.client,
    settings: { namespace: 'ns', leaseName: 'refresher', identity, ...DEFAULTS },
    clock: time.clock,
    monotonic: time.clock,
    timers: time.timers,
    logger: captureLog('info').logger,
    // Mid-range jitter: looks every 2.2 s, so a takeover on a look would land off the lease's end.
    random: () => 0.5,
    onStartedLeading: () => void started.push([identity, time.clock.now()]),
  });
  electors.push(made);
  return made;
}

/** pod-b holds the Lease, last renewed at `renewTime` (its clock); pod-a starts looking 0.3 s after T0. */
async function standbyStartedAt300(renewTime: number) {
  const time = createFakeTime(T0);
  const store = createLeaseStore(time.clock, heldBy('pod-b', renewTime));
  const started: Array<[string, number]> = [];
  await time.advance(300);
  elector(time, store, 'pod-a', started).start();
  return { time, store, started };
}

describe('leader elector timing', () => {
  it('a standby takes over at the holder\'s renewTime + lease duration, not on its next look', async () => {
    const { time, store, started } = await standbyStartedAt300(T0);
    await time.advance(14_699);
    expect(started).toEqual([]);
    await time.advance(1);
    // Looks at 0.3 s, 2.5 s, … 13.5 s, 15.7 s: the takeover at 15.0 s came from a look armed for the lease's end.
    expect(started).toEqual([['pod-a', T0 + 15_000]]);
    expect(store.writes).toEqual([{ at: T0 + 15_000, verb: 'update', holder: 'pod-a' }]);
  });

  it('a holder whose clock runs behind is given a full lease from the standby\'s own sighting', async () => {
    const { time, started } = await standbyStartedAt300(T0 - 3_600_000);
    await time.advance(14_999);
    expect(started).toEqual([]);
    await time.advance(1);
    expect(started).toEqual([['pod-a', T0 + 15_300]]);
  });

  it('two replicas: while the leader renews nobody else leads; when it dies the standby leads one lease after its last renewal', async () => {
    const time = createFakeTime(T0);
    const store = createLeaseStore(time.clock);
    const started: Array<[string, number]> = [];
    const b = elector(time, store, 'pod-b', started);
    b.start();
    await time.advance(700);
    elector(time, store, 'pod-a', started).start();
    await time.advance(60_000);
    expect(started).toEqual([['pod-b', T0]]);
    // Death, as SIGKILL leaves it: no release, no more renewals.
    await b.stop({ release: false });
    const lastRenewal = Date.parse(store.lease()!.spec!.renewTime!);
    const diedAt = time.clock.now();
    await time.advance(20_000);
    expect(started).toEqual([['pod-b', T0], ['pod-a', lastRenewal + 15_000]]);
    expect(lastRenewal + 15_000 - diedAt).toBeLessThanOrEqual(15_000);
  });
});
