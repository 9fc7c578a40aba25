// Leader election between replicas that share nothing but a real API server.
// Short timings (lease 4 s, renew deadline 2 s, retry 0.5 s) keep it quick;
// the rules are the same as with the defaults.
// The 2 s between giving up and being taken over leaves a standby 1 s of
// tolerance for the renewTime (renewTimeToleranceMs): more than a look's lag.
// These tests pin order and safety (never a takeover before the lease ran out,
// a release lets the standby in before it would have); the exact instants are
// pinned on simulated time in create-leader-elector.test.ts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLeaderElector, type LeaderElector } from '../../../src/kubernetes/lease/create-leader-elector.js';
import type { KubeClient } from '../../../src/kubernetes/api/create-kube-client.js';
import { monotonicClock } from '../../../src/kubernetes/lease/monotonic-clock.js';
import { systemClock, systemTimers } from '../../../src/schedule/clock.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube/start-kube-api-server.js';
import { captureLog } from '../../support/capture-log.js';
import { waitFor } from '../../support/wait-for.js';
import { clientFor } from '../support/client-for.js';
import { createNamespace, getJson, kubectlOk, serviceAccountWith } from '../support/grant.js';

const NS = 'ha';
const TIMING = { leaseDurationMs: 4000, renewDeadlineMs: 2000, retryPeriodMs: 500 };
// Past the lease's end the standby still reads and writes the Lease through an API server that shares
// a loaded machine with the test: a takeover anywhere within the next lease is a takeover, not a hang.
const TAKEOVER_ALLOWANCE_MS = TIMING.leaseDurationMs;
// A lease far longer than a hand-over takes, so a standby leading before it ran out can only have been let in by the release.
const LONG_LEASE = { ...TIMING, leaseDurationMs: 30_000 };
const LEASE_RULES = [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] }];

interface Replica {
  identity: string;
  elector: LeaderElector;
  client: KubeClient;
  started: number[];
  stopped: number[];
  log: ReturnType<typeof captureLog>;
}

let kube: KubeApiServer;
let replicas: Replica[] = [];
let leaseCount = 0;

beforeAll(async () => {
  kube = await startKubeApiServer();
  await createNamespace(kube, NS);
});
afterEach(async () => {
  await Promise.all(replicas.map((r) => r.elector.stop({ release: false })));
  await Promise.all(replicas.map((r) => r.client.close()));
  replicas = [];
});
afterAll(async () => {
  await kube?.stop();
});

function replica(identity: string, leaseName: string, token?: string, timing = TIMING): Replica {
  const client = clientFor(kube, token);
  const log = captureLog('info');
  const r: Replica = { identity, client, started: [], stopped: [], log, elector: undefined as unknown as LeaderElector };
  r.elector = createLeaderElector({
    client,
    settings: { namespace: NS, leaseName, identity, ...timing },
    clock: systemClock,
    monotonic: monotonicClock,
    timers: systemTimers,
    logger: log.logger,
    onStartedLeading: () => r.started.push(Date.now()),
    onStoppedLeading: () => void r.stopped.push(Date.now()),
  });
  replicas.push(r);
  return r;
}

const leaders = () => replicas.filter((r) => r.elector.isLeader());
const holderOf = async (lease: string) =>
  (await getJson<{ spec: { holderIdentity?: string; leaseTransitions?: number; renewTime?: string } }>(kube, ['lease', '-n', NS, lease])).spec;

async function oneLeader(what: string): Promise<Replica> {
  return waitFor(() => (leaders().length === 1 ? leaders()[0] : undefined), { what, timeoutMs: 10_000, intervalMs: 50 });
}

/** pod-a leading and pod-b standing by on a fresh Lease, pod-b having watched a few renewals. */
async function leaderAndStandby(tokens: { a?: string; b?: string } = {}, timing = TIMING) {
  const lease = `lease-${++leaseCount}`;
  const a = replica('pod-a', lease, tokens.a, timing);
  a.elector.start();
  await oneLeader('pod-a leading');
  const b = replica('pod-b', lease, tokens.b, timing);
  b.elector.start();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return { lease, a, b };
}

const leads = (r: Replica) => waitFor(() => r.elector.isLeader(), { what: `${r.identity} leading`, timeoutMs: 15_000, intervalMs: 20 });

describe('leader election on a real API server', () => {
  it('two replicas on one Lease: exactly one leads, steadily, and the Lease names it', async () => {
    const lease = `lease-${++leaseCount}`;
    const [a, b] = [replica('pod-a', lease), replica('pod-b', lease)];
    a.elector.start();
    b.elector.start();
    const leader = await oneLeader('a leader');
    for (let i = 0; i < 30; i++) {
      expect(leaders().map((r) => r.identity)).toEqual([leader.identity]);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await holderOf(lease)).holderIdentity).toBe(leader.identity);
    // Each knows who leads: what a standby's readiness rests on.
    expect([a.elector.holder(), b.elector.holder()]).toEqual([leader.identity, leader.identity]);
    expect(a.started.length + b.started.length).toBe(1);
    expect(a.stopped.length + b.stopped.length).toBe(0);
  });

  it('when the leader dies without releasing, the standby leads as soon as the lease has run out', async () => {
    const { lease, a, b } = await leaderAndStandby();
    const killedAt = Date.now();
    await a.elector.stop({ release: false });
    const last = await holderOf(lease);
    expect(last.holderIdentity).toBe('pod-a');
    const lastRenewal = Date.parse(last.renewTime!);
    await leads(b);
    const [failoverMs, sinceRenewalMs] = [b.started[0]! - killedAt, b.started[0]! - lastRenewal];
    console.log(`failover after a leader died: ${failoverMs} ms, ${sinceRenewalMs} ms after its last renewal (lease duration ${TIMING.leaseDurationMs} ms)`);
    // Not a moment before the lease ran out (safety), and then without waiting for anything else.
    expect(sinceRenewalMs).toBeGreaterThanOrEqual(TIMING.leaseDurationMs);
    expect(sinceRenewalMs).toBeLessThanOrEqual(TIMING.leaseDurationMs + TAKEOVER_ALLOWANCE_MS);
    expect(failoverMs).toBeLessThanOrEqual(TIMING.leaseDurationMs + TAKEOVER_ALLOWANCE_MS);
    expect((await holderOf(lease)).holderIdentity).toBe('pod-b');
  });

  it('a clean stop releases the Lease and the standby takes over before the lease would have run out', async () => {
    const { lease, a, b } = await leaderAndStandby({}, LONG_LEASE);
    const renewedBeforeStop = Date.parse((await holderOf(lease)).renewTime!);
    const stoppedAt = Date.now();
    await a.elector.stop();
    await leads(b);
    const handoverMs = b.started[0]! - stoppedAt;
    console.log(`hand-over after a clean stop: ${handoverMs} ms (lease duration ${LONG_LEASE.leaseDurationMs} ms)`);
    // pod-a renewed at renewedBeforeStop or later, so its lease held until at least renewedBeforeStop + the lease.
    expect(b.started[0]!).toBeLessThan(renewedBeforeStop + LONG_LEASE.leaseDurationMs);
    expect(a.stopped).toHaveLength(1);
    expect(a.log.entries().map((e) => e.msg)).toContain('released the lease');
    expect(await holderOf(lease)).toMatchObject({ holderIdentity: 'pod-b', leaseTransitions: 1 });
  });

  it('a leader that cannot renew stops leading before the lease can have run out for the standby', async () => {
    const tokens = { a: await serviceAccountWith(kube, NS, 'elector-a', LEASE_RULES), b: await serviceAccountWith(kube, NS, 'elector-b', LEASE_RULES) };
    const { a, b } = await leaderAndStandby(tokens);
    // Take pod-a's update permission away: it still reads the Lease, but its renewals are refused with 403.
    const readOnly = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'elector-a', namespace: NS }, rules: [{ ...LEASE_RULES[0]!, verbs: ['get'] }] };
    await kubectlOk(kube, ['apply', '-f', '-'], JSON.stringify(readOnly));
    await leads(b);
    expect(a.stopped).toHaveLength(1);
    expect(a.stopped[0]!).toBeLessThan(b.started[0]!);
    const refusal = a.log.entries().find((e) => e.msg === 'lease renewal failed');
    expect((refusal?.err as { message?: string } | undefined)?.message).toContain('{apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["update"]}');
  });
});
