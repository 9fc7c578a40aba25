// Leader fencing against a real API server: a leader never writes a Secret
// after its term has ended, whether the process stalled past its renew
// deadline between reading the Secret and writing it, a concurrent change
// sent it round the 409 loop, or the write was still on its way when the term
// ended. Short timings (lease 4 s, renew deadline 2 s, retry 0.5 s).
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClient, type KubeClient, type KubeRequest } from '../../../src/kubernetes/api/create-kube-client.js';
import { createKubernetesSink } from '../../../src/kubernetes/pull-secret/create-kubernetes-sink.js';
import { createLeaderElector, type LeaderTerm } from '../../../src/kubernetes/lease/create-leader-elector.js';
import type { KubernetesError } from '../../../src/kubernetes/api/kubernetes-error.js';
import { loadKubeConnection } from '../../../src/kubernetes/api/load-kube-connection.js';
import { monotonicClock } from '../../../src/kubernetes/lease/monotonic-clock.js';
import { writePullSecret } from '../../../src/kubernetes/pull-secret/write-pull-secret.js';
import { systemClock, systemTimers } from '../../../src/schedule/clock.js';
import { fenceSinks } from '../../../src/sink/fence-sinks.js';
import type { WriteFence } from '../../../src/sink/sink.js';
import { captureLog } from '../../support/capture-log.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube/start-kube-api-server.js';
import { writeKubeconfig } from '../../support/kube/write-kubeconfig.js';
import { makeTarget } from '../../support/make-config.js';
import { waitFor } from '../../support/wait-for.js';
import { clientFor } from '../support/client-for.js';
import { failure } from '../support/failure.js';
import { createNamespace, getJson, kubectlOk } from '../support/grant.js';
import { registryEntry, testToken } from '../support/test-token.js';

const NS = 'fenced';
const TIMING = { leaseDurationMs: 4000, renewDeadlineMs: 2000, retryPeriodMs: 500 };

interface Secret {
  metadata: { resourceVersion: string; labels?: Record<string, string> };
  data?: Record<string, string>;
}

let kube: KubeApiServer;
let admin: KubeClient;

beforeAll(async () => {
  kube = await startKubeApiServer();
  admin = clientFor(kube);
  await createNamespace(kube, NS);
});
afterAll(async () => {
  await admin?.close();
  await kube?.stop();
});

const secret = (name: string) => getJson<Secret>(kube, ['secret', '-n', NS, name]);

/** A client that records each call it passes on, and can run a hook after a call's answer arrives. */
function recordingClient(inner: KubeClient, after?: (call: KubeRequest) => void | Promise<void>) {
  const calls: string[] = [];
  const client: KubeClient = {
    endpoint: inner.endpoint,
    close: async () => {},
    async send<T>(call: KubeRequest): Promise<T> {
      calls.push(`${call.verb} ${call.plural}`);
      const answer = await inner.send<T>(call);
      await after?.(call);
      return answer;
    },
  };
  return { client, calls };
}

/** Blocks the event loop, as a long GC pause or a starved CPU would. */
function stallFor(ms: number) {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: no timer, no I/O callback runs meanwhile
  }
}

/**
 * A TCP relay to the API server that holds what the client sends for `delayMs` (a slow network),
 * and drops it if the client's socket is gone first. `forwardedAt` records when each held chunk
 * went on to the server.
 */
async function startDelayingRelay(target: URL, delayMs: number): Promise<{ url: string; forwardedAt: number[]; close: () => Promise<void> }> {
  const forwardedAt: number[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    let closed = false;
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
    }
    client.on('data', (chunk) =>
      void setTimeout(() => {
        if (closed) return;
        forwardedAt.push(performance.now());
        upstream.write(chunk);
      }, delayMs),
    );
    upstream.on('data', (chunk) => client.write(chunk));
    client.on('close', () => {
      closed = true;
      upstream.destroy();
    });
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `https://127.0.0.1:${port}`,
    forwardedAt,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('leader fencing on a real API server', () => {
  it('a leader whose event loop stalls past its renew deadline between reading the Secret and writing it does not write', async () => {
    const target = { namespace: NS, name: 'stalled' };
    await writePullSecret({ client: admin, target, token: testToken(1) });
    const before = await secret('stalled');
    const terms: LeaderTerm[] = [];
    const elector = createLeaderElector({
      client: admin,
      settings: { namespace: NS, leaseName: 'stall', identity: 'pod-a', ...TIMING },
      clock: systemClock,
      monotonic: monotonicClock,
      timers: systemTimers,
      logger: captureLog('info').logger,
      onStartedLeading: (term) => void terms.push(term),
    });
    elector.start();
    try {
      const term = await waitFor(() => terms[0], { what: 'pod-a leading', timeoutMs: 10_000, intervalMs: 20 });
      let stallArmed = false;
      const { client, calls } = recordingClient(admin, (call) => {
        if (stallArmed && call.verb === 'get') stallFor(TIMING.renewDeadlineMs + 500);
      });
      const sink = fenceSinks({ kubernetes: createKubernetesSink({ client, server: kube.url }) }, term).kubernetes!;
      const batch = sink.batch();
      const kubeTarget = { ...makeTarget({ name: `${NS}/stalled` }), destination: { kind: 'kubernetes' as const, ...target } };
      const plan = await batch.plan(kubeTarget, testToken(2));
      stallArmed = true;
      calls.length = 0;
      await expect(batch.publish(plan)).rejects.toThrow(/no longer holds the leader election Lease/);
      expect(calls).toEqual(['get secrets']);
      expect(elector.isLeader()).toBe(false);
      expect((await secret('stalled')).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    } finally {
      await elector.stop({ release: false });
    }
  });

  it('the 409 retry loop stops once leadership is lost, without another write', async () => {
    const target = { namespace: NS, name: 'contended' };
    await writePullSecret({ client: admin, target, token: testToken(3) });
    let leading = true;
    const fence: WriteFence = { holds: () => leading, signal: new AbortController().signal };
    const { client: raced, calls } = recordingClient(admin, async (call) => {
      // Between our read and our write another writer changes the Secret: our PUT then answers 409.
      if (call.verb === 'get' && !calls.includes('update secrets')) await kubectlOk(kube, ['label', 'secret', '-n', NS, 'contended', 'racer=was-here']);
    });
    // While that 409 comes back, this replica's term ends.
    const client: KubeClient = {
      ...raced,
      send: <T>(call: KubeRequest) => raced.send<T>(call).catch((error: unknown) => {
        leading = false;
        throw error;
      }),
    };
    const error = await failure<Error>(writePullSecret({ client, target, token: testToken(4), fence }));
    expect(error.message).toContain('no longer holds the leader election Lease');
    expect(calls).toEqual(['get secrets', 'update secrets']);
    expect(registryEntry(await secret('contended')).password).toBe(testToken(3).password);
  });

  it('a write still on its way when the term ends is abandoned at once, before the held request goes on, and never retried', async () => {
    const target = { namespace: NS, name: 'in-flight' };
    await writePullSecret({ client: admin, target, token: testToken(5) });
    const relay = await startDelayingRelay(new URL(kube.url), 800);
    const kubeconfig = writeKubeconfig(join(kube.dir, 'relayed.kubeconfig'), { url: relay.url, caFile: kube.caFile }, { token: kube.adminToken });
    const relayed = createKubeClient({ connection: loadKubeConnection({ kubeconfig }), requestTimeoutMs: 10_000 });
    const term = new AbortController();
    const fence: WriteFence = { holds: () => !term.signal.aborted, signal: term.signal };
    // The term ends 200 ms after the read came back: the PUT is then held in the relay.
    const { client, calls } = recordingClient(relayed, (call) => {
      if (call.verb === 'get') setTimeout(() => term.abort(new Error("this replica's term of leadership ended (test)")), 200);
    });
    try {
      const error = await failure<KubernetesError>(writePullSecret({ client, target, token: testToken(6), fence }));
      const gaveUpAt = performance.now();
      expect(error).toMatchObject({ code: 'ERR_KUBE_ABANDONED', retryable: false, verb: 'update', resource: 'secrets', namespace: NS });
      expect(error.message).toContain("was abandoned: this replica's term of leadership ended");
      expect(calls).toEqual(['get secrets', 'update secrets']);
      // The writer did not wait for the held PUT: it gave up before the relay let it go on. Bytes
      // already sent may still reach the server (a closed connection does not unsend them;
      // docs/kubernetes.md says so), but nothing is sent after the term ended: at most that one
      // PUT lands, never a retry.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(relay.forwardedAt.at(-1)!).toBeGreaterThan(gaveUpAt - 1);
      expect([testToken(5).password, testToken(6).password]).toContain(registryEntry(await secret('in-flight')).password);
      expect(calls).toEqual(['get secrets', 'update secrets']);
    } finally {
      await relayed.close();
      await relay.close();
    }
  });
});
