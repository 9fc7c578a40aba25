// Leadership that holds in time, on simulated time with a monotonic clock of
// the test's own: a stall of the process is that clock jumping ahead while no
// timer has run. A term is only good until its renew deadline, ends with a
// signal, and what it started cannot carry into a later term.
import { afterEach, describe, expect, it } from 'vitest';
import type { EcrToken } from '../../../src/ecr/ecr-token.js';
import type { KubeClient, KubeRequest } from '../../../src/kubernetes/api/create-kube-client.js';
import { createLeaderElector, type LeaderElector, type LeaderTerm } from '../../../src/kubernetes/lease/create-leader-elector.js';
import { KubernetesError } from '../../../src/kubernetes/api/kubernetes-error.js';
import { fenceSinks } from '../../../src/sink/fence-sinks.js';
import type { Sink, WriteFence } from '../../../src/sink/sink.js';
import { captureLog } from '../../support/capture-log.js';
import { createFakeTime, type FakeTime } from '../../support/fake-time.js';
import { makeTarget } from '../../support/make-config.js';
import { createLeaseStore } from '../support/create-lease-store.js';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const DEFAULTS = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2000 };

let electors: LeaderElector[] = [];
afterEach(async () => {
  await Promise.all(electors.map((e) => e.stop({ release: false })));
  electors = [];
});

/** An elector on simulated time whose Lease writes can be made to fail or to take `writeMs`. */
function leader(options: { writeMs?: number } = {}) {
  const time: FakeTime = createFakeTime(T0);
  let stalledMs = 0;
  const monotonic = { now: () => time.clock.now() + stalledMs };
  const store = createLeaseStore(time.clock);
  const wire = { down: false, writeMs: options.writeMs ?? 0 };
  const client: KubeClient = {
    endpoint: store.client.endpoint,
    close: async () => {},
    async send<T>(call: KubeRequest): Promise<T> {
      if (call.verb !== 'get' && wire.writeMs > 0) await new Promise<void>((resolve) => time.timers.setTimeout(resolve, wire.writeMs));
      if (call.verb !== 'get' && wire.down) {
        throw new KubernetesError('Kubernetes update leases: 503', {
          endpoint: store.client.endpoint, verb: call.verb, resource: 'leases.coordination.k8s.io', namespace: call.namespace ?? '',
          code: 'ERR_KUBE_SERVER', reason: 'server_error', retryable: true, status: 503,
        });
      }
      return store.client.send<T>(call);
    },
  };
  const terms: LeaderTerm[] = [];
  const log = captureLog('info');
  const elector = createLeaderElector({
    client,
    settings: { namespace: 'ns', leaseName: 'refresher', identity: 'pod-a', ...DEFAULTS },
    clock: time.clock,
    monotonic,
    timers: time.timers,
    logger: log.logger,
    random: () => 0.5,
    onStartedLeading: (term) => void terms.push(term),
  });
  electors.push(elector);
  return { time, elector, terms, wire, log, stall: (ms: number) => void (stalledMs += ms) };
}

const token = { password: 'p', authorizationToken: 'a', expiresAt: 0, proxyEndpoint: 'https://h', registryHost: 'h' } as EcrToken;

/** A sink that records what reaches it, and the fence each publish was handed; confirm waits until `confirmed` is called. */
function recordingSink() {
  const calls: string[] = [];
  const fences: (WriteFence | undefined)[] = [];
  const waiting: (() => void)[] = [];
  const sink: Sink = {
    describe: (target) => ({ kind: 'pipecat', name: target.name }),
    info: () => ({ format: 'auto' }),
    batch: () => ({
      plan: async (target, planToken) => {
        calls.push('plan');
        return { target, token: planToken, creating: false, details: {}, preview: { method: 'PUT', url: 'u', headers: {}, body: {} } };
      },
      publish: async (_plan, fence) => {
        calls.push('publish');
        fences.push(fence);
      },
      confirm: () => new Promise<void>((resolve) => waiting.push(() => (calls.push('confirmed'), resolve()))),
    }),
    stop: () => void calls.push('stop'),
  };
  return { sink, calls, fences, confirmAll: () => waiting.splice(0).forEach((done) => done()) };
}

describe('leader fencing in time', () => {
  it('a leader whose process stalled past its renew deadline is no longer the leader, before any timer has run', async () => {
    const { time, elector, terms, stall } = leader();
    elector.start();
    await time.settle();
    expect(terms.map((t) => t.number)).toEqual([1]);
    expect(elector.isLeader()).toBe(true);
    stall(9_999);
    expect([elector.isLeader(), terms[0]!.holds()]).toEqual([true, true]);
    stall(1);
    expect([elector.isLeader(), terms[0]!.holds()]).toEqual([false, false]);
  });

  it("a stalled leader's fenced sink refuses the write it was about to make", async () => {
    const { time, elector, terms, stall } = leader();
    elector.start();
    await time.settle();
    const recorded = recordingSink();
    const batch = fenceSinks({ pipecat: recorded.sink }, terms[0]!).pipecat!.batch();
    const plan = await batch.plan(makeTarget(), token);
    stall(10_000);
    await expect(batch.publish(plan)).rejects.toMatchObject({ stage: 'push', retryable: false, message: expect.stringContaining('no longer holds the leader election Lease') });
    expect(recorded.calls).toEqual(['plan']);
  });

  it("a term ends with its signal at the renew deadline; what it queued is refused in the next term, whose writes pass", async () => {
    const { time, elector, terms, wire } = leader();
    elector.start();
    await time.settle();
    const first = terms[0]!;
    const recorded = recordingSink();
    const firstBatch = fenceSinks({ pipecat: recorded.sink }, first).pipecat!.batch();
    const plan = await firstBatch.plan(makeTarget(), token);

    wire.down = true;
    await time.advance(9_999);
    expect(first.signal.aborted).toBe(false);
    await time.advance(1);
    expect(first.signal.aborted).toBe(true);
    expect(elector.isLeader()).toBe(false);

    wire.down = false;
    await time.advance(DEFAULTS.retryPeriodMs * 1.2);
    expect(terms.map((t) => t.number)).toEqual([1, 2]);
    const second = terms[1]!;
    expect([first.holds(), second.holds()]).toEqual([false, true]);
    // The first term's publish, run only now (it waited behind the concurrency limit), is refused.
    await expect(firstBatch.publish(plan)).rejects.toThrow(/no longer holds the leader election Lease/);
    const secondBatch = fenceSinks({ pipecat: recorded.sink }, second).pipecat!.batch();
    await secondBatch.publish(plan);
    expect(recorded.calls).toEqual(['plan', 'publish']);
    expect(recorded.fences).toEqual([second]);
  });

  it('leadership won too late (the write of the Lease came back after the renew deadline) is not announced', async () => {
    const { time, elector, terms, wire, log } = leader({ writeMs: 10_001 });
    elector.start();
    await time.advance(10_001);
    expect(terms).toEqual([]);
    expect(elector.isLeader()).toBe(false);
    expect(log.entries().map((e) => e.msg)).toContain('took the lease too late to lead on it: trying again');
    // Once the API server answers in time again, the next renewal starts a term.
    wire.writeMs = 0;
    await time.advance(DEFAULTS.retryPeriodMs * 1.2);
    expect(terms.map((t) => t.number)).toEqual([1]);
    expect(elector.isLeader()).toBe(true);
  });
});

describe('fenced sinks: a term owns its waits', () => {
  it("a confirmation wait ends when its term ends; a term's stop ends only its own waits and leaves the sink to the next term", async () => {
    const recorded = recordingSink();
    const control = [new AbortController(), new AbortController()];
    const fence = (i: number): WriteFence => ({ holds: () => !control[i]!.signal.aborted, signal: control[i]!.signal });
    const [first, second] = [fenceSinks({ pipecat: recorded.sink }, fence(0)).pipecat!, fenceSinks({ pipecat: recorded.sink }, fence(1)).pipecat!];
    const [firstBatch, secondBatch] = [first.batch(), second.batch()];
    const plan = await firstBatch.plan(makeTarget(), token);
    const waits = [firstBatch.confirm(plan, 60_000), secondBatch.confirm(plan, 60_000), secondBatch.confirm(plan, 60_000)];
    control[0]!.abort();
    await expect(waits[0]).rejects.toMatchObject({ stage: 'confirm', retryable: true, message: expect.stringContaining('term of leadership ended') });
    // The second term drains and stops: its own waits end, the shared sink is not stopped.
    second.stop();
    await expect(waits[1]).rejects.toThrow(/term of leadership ended/);
    const third = fenceSinks({ pipecat: recorded.sink }, { holds: () => true, signal: new AbortController().signal }).pipecat!;
    const late = third.batch().confirm(plan, 60_000);
    recorded.confirmAll();
    await expect(late).resolves.toBeUndefined();
    expect(recorded.calls).not.toContain('stop');
    await expect(waits[2]).rejects.toThrow(/term of leadership ended/);
  });
});
