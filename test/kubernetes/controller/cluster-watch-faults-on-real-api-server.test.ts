// The watch faults a cluster-wide target meets in a real cluster, produced by
// the real API server rather than a scripted client: the API server restarted
// mid-watch, a watch resumed from a resourceVersion etcd has compacted (the
// server's own 410 Gone), and 429 + Retry-After from in front of the server
// (as API Priority and Fairness answers). In each, changes are made that the
// daemon could only learn of after the fault; the outcome is what a user sees:
// every selected namespace holds the live token within a generous bound, and
// no new token was minted for it.
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect } from 'vitest';
import type { TargetConfig } from '../../../src/config/config.js';
import { createApp } from '../../../src/create-app.js';
import type { KubeClient } from '../../../src/kubernetes/api/create-kube-client.js';
import { loadKubeConnection } from '../../../src/kubernetes/api/load-kube-connection.js';
import { readSelection } from '../../../src/kubernetes/controller/selection.js';
import type { EcrStandIn } from '../../../stand-ins/ecr-stand-in.js';
import { makeConfig, makeTarget } from '../../support/make-config.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube/start-kube-api-server.js';
import { writeKubeconfig } from '../../support/kube/write-kubeconfig.js';
import { inProcessAwsEnv } from '../../support/in-process-aws-env.js';
import { systemTest } from '../../support/system-test.js';
import { waitFor } from '../../support/wait-for.js';
import { clientFor } from '../support/client-for.js';
import { startCuttingRelay } from '../support/cutting-relay.js';
import { registryEntry } from '../support/test-token.js';
import { startThrottlingProxy } from '../support/throttling-proxy.js';

// Generous: the reflector backs off up to 30 s after repeated failures; a loaded machine is slow.
const RECOVERY_BOUND_MS = 45_000;
let ecr: EcrStandIn;
let kube: KubeApiServer;
let admin: KubeClient;
const saved = { ...process.env };

systemTest.beforeAll(async ({ ecr: ecrStandIn }) => {
  ecr = ecrStandIn;
  Object.assign(process.env, inProcessAwsEnv(ecr.url));
  kube = await startKubeApiServer();
  admin = clientFor(kube);
}, 120_000);
afterAll(async () => {
  process.env = saved;
  await admin?.close();
  await kube?.stop();
});
beforeEach(() => ecr.reset());

function clusterTarget(namespaces: string[]): TargetConfig {
  const read = readSelection({ name: 'ecr-pull', namespaces }, 'targets[0].kubernetesSecret');
  return { ...makeTarget({ name: 'cluster/ecr-pull', format: 'image-pull-secret' }), destination: { kind: 'kubernetes-cluster', selection: read.selection! } };
}

/** The whole daemon, in process, talking to the API server at `url` (the server itself, or something in front of it). */
function daemon(server: KubeApiServer, namespaces: string[], url = server.url) {
  const lines: string[] = [];
  const kubeconfig = writeKubeconfig(join(server.dir, `daemon-${Math.random().toString(36).slice(2)}.kubeconfig`), { url, caFile: server.caFile }, { token: server.adminToken });
  const instance = createApp({
    config: makeConfig({ targets: [clusterTarget(namespaces)], requestTimeoutMs: 5_000, confirmTimeoutMs: 10_000 }),
    version: 'test',
    kubernetes: { connection: loadKubeConnection({ kubeconfig }) },
    logDestination: { write: (line: string) => void lines.push(line) },
  });
  return { instance, lines };
}

async function namespace(client: KubeClient, name: string) {
  await client.send({ verb: 'create', apiVersion: 'v1', plural: 'namespaces', body: { metadata: { name } } });
}
const deleteSecret = (client: KubeClient, ns: string) => client.send({ verb: 'delete', apiVersion: 'v1', plural: 'secrets', namespace: ns, name: 'ecr-pull' });

/** True once `ns` holds a pull Secret with the one token minted so far. */
async function holdsLiveToken(client: KubeClient, ns: string): Promise<boolean> {
  try {
    const secret = await client.send<{ data?: Record<string, string> }>({ verb: 'get', apiVersion: 'v1', plural: 'secrets', namespace: ns, name: 'ecr-pull' });
    return registryEntry(secret).password === ecr.issued[0]?.password;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_KUBE_NOT_FOUND') return false;
    throw error;
  }
}

async function allServed(client: KubeClient, namespaces: string[], what: string, timeoutMs = RECOVERY_BOUND_MS) {
  await waitFor(async () => {
    for (const ns of namespaces) if (!(await holdsLiveToken(client, ns))) return undefined;
    return true;
  }, { what, timeoutMs, intervalMs: 100 });
}

const watchRestarts = async (instance: ReturnType<typeof createApp>) =>
  [...(await instance.metrics.registry.metrics()).matchAll(/^ecr_token_refresher_kubernetes_watch_restarts_total\{[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);

describe('cluster-wide pull Secrets through watch faults of the real API server', () => {
  systemTest('the API server restarted mid-watch: a change made just before it and changes made after it are all served, with no new mint', async () => {
    await namespace(admin, 'rs-a');
    await namespace(admin, 'rs-b');
    const { instance } = daemon(kube, ['rs-*']);
    try {
      await instance.startDaemon();
      await allServed(admin, ['rs-a', 'rs-b'], 'the first cycle', 20_000);

      // Deleted, then the server goes down at once: the DELETED event may never reach the daemon.
      await deleteSecret(admin, 'rs-a');
      await kube.restartApiServer();
      await namespace(admin, 'rs-c');
      await deleteSecret(admin, 'rs-b');

      await allServed(admin, ['rs-a', 'rs-b', 'rs-c'], 'every rs-* namespace served after the restart');
      expect(await watchRestarts(instance)).toBeGreaterThan(0);
      expect(ecr.issued).toHaveLength(1);
    } finally {
      await instance.stop();
    }
  }, 120_000);

  systemTest('a watch resumed from a resourceVersion etcd has compacted gets 410 Gone from the server, lists again, and misses nothing', async () => {
    // With the watch cache on, the API server answers a resumed watch from its own window of
    // events; without it the watch goes to etcd, where a compacted revision is the 410 clients see.
    const direct = await startKubeApiServer({ extraArgs: ['--watch-cache=false'] });
    const client = clientFor(direct);
    const relay = await startCuttingRelay(new URL(direct.url));
    const { instance, lines } = daemon(direct, ['gone-*'], relay.url);
    try {
      await namespace(client, 'gone-a');
      await instance.startDaemon();
      await allServed(client, ['gone-a'], 'the first cycle', 20_000);

      // The daemon cut off from the server while the cluster moves on and etcd compacts its history.
      relay.refuse(true);
      expect(relay.cutAll()).toBeGreaterThan(0);
      await deleteSecret(client, 'gone-a');
      await namespace(client, 'gone-b');
      const revision = await compactEtcd(direct.etcdUrl);
      relay.refuse(false);

      await allServed(client, ['gone-a', 'gone-b'], 'both gone-* namespaces served after the 410');
      const expired = lines.map((l) => JSON.parse(l) as { msg: string }).filter((e) => e.msg.includes('410 Gone'));
      expect(expired.length, `no 410 Gone after compacting etcd at revision ${revision}`).toBeGreaterThan(0);
      expect(ecr.issued).toHaveLength(1);
    } finally {
      await instance.stop();
      await relay.close();
      await client.close();
      await direct.stop();
    }
  }, 180_000);

  systemTest('429 with Retry-After in front of the server: each retry waits at least that long, and nothing is missed', async () => {
    await namespace(admin, 'tm-a');
    const proxy = await startThrottlingProxy({ url: kube.url, caPem: kube.caPem, certFile: kube.servingCertFile, keyFile: kube.servingKeyFile });
    const { instance } = daemon(kube, ['tm-*'], proxy.url);
    try {
      await instance.startDaemon();
      await allServed(admin, ['tm-a'], 'the first cycle', 20_000);

      // Every watch cut, and the next requests (the watches again, then the writes) refused with 429.
      const retryAfterSeconds = 2;
      proxy.throttle(6, retryAfterSeconds);
      expect(proxy.cutAll()).toBeGreaterThan(0);
      await deleteSecret(admin, 'tm-a');
      await namespace(admin, 'tm-b');

      await allServed(admin, ['tm-a', 'tm-b'], 'both tm-* namespaces served after the 429s');
      const refused = proxy.requests.filter((r) => r.status === 429);
      expect(refused).toHaveLength(6);
      // The same request sent again after each 429, never sooner than the Retry-After.
      for (const answer of refused) {
        const after = proxy.requests.slice(proxy.requests.indexOf(answer) + 1);
        const again = after.find((r) => r.method === answer.method && r.path === answer.path && r.watch === answer.watch);
        expect(again, `${answer.method} ${answer.path} never sent again`).toBeDefined();
        expect(again!.at - answer.at, `${answer.method} ${answer.path} sent again too soon`).toBeGreaterThanOrEqual(retryAfterSeconds * 1000 - 50);
      }
      expect(ecr.issued).toHaveLength(1);
    } finally {
      await instance.stop();
      await proxy.close();
    }
  }, 120_000);
});

/** Compacts etcd's history up to its current revision (etcd v3 JSON gateway), as the API server does every few minutes. */
async function compactEtcd(etcdUrl: string): Promise<number> {
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${etcdUrl}${path}`, { method: 'POST', body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`etcd ${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<{ header: { revision: string } }>;
  };
  const { header } = await post('/v3/kv/range', { key: Buffer.from('/registry/').toString('base64'), limit: 1 });
  await post('/v3/kv/compaction', { revision: header.revision, physical: true });
  return Number(header.revision);
}
