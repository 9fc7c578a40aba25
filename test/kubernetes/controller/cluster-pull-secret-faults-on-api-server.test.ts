// Cluster-wide pull Secrets when things go wrong, against the real API
// server: watch connections cut mid-stream, a ServiceAccount changed by
// someone else between our read and our patch, and a namespace where RBAC
// forbids the write while the others are served.
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClient, type KubeRequest, type KubeWatchClient } from '../../../src/kubernetes/api/create-kube-client.js';
import { loadKubeConnection } from '../../../src/kubernetes/api/load-kube-connection.js';
import { createNamespaceController } from '../../../src/kubernetes/controller/create-namespace-controller.js';
import { createEventRecorder } from '../../../src/kubernetes/controller/namespace-events.js';
import { readSelection } from '../../../src/kubernetes/controller/selection.js';
import { systemClock, systemTimers } from '../../../src/schedule/clock.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube/start-kube-api-server.js';
import { waitFor } from '../../support/wait-for.js';
import { writeKubeconfig } from '../../support/kube/write-kubeconfig.js';
import { clientFor } from '../support/client-for.js';
import { startCuttingRelay } from '../support/cutting-relay.js';
import { kubectlOk } from '../support/grant.js';
import { registryEntry, testToken } from '../support/test-token.js';

let kube: KubeApiServer;
let admin: KubeWatchClient;
const logger = pino({ level: 'silent' });

beforeAll(async () => {
  kube = await startKubeApiServer();
  admin = clientFor(kube) as KubeWatchClient;
}, 120_000);
afterAll(async () => {
  await admin?.close();
  await kube?.stop();
});

const selectionOf = (raw: Record<string, unknown>) => readSelection({ name: 'ecr-pull', ...raw }, 'k').selection!;

async function namespace(name: string) {
  await admin.send({ verb: 'create', apiVersion: 'v1', plural: 'namespaces', body: { metadata: { name } } });
}
async function serviceAccount(ns: string, name: string, pullSecrets: string[] = []) {
  await admin.send({ verb: 'create', apiVersion: 'v1', plural: 'serviceaccounts', namespace: ns, body: { metadata: { name }, imagePullSecrets: pullSecrets.map((n) => ({ name: n })) } });
}
const pullSecretsOf = async (ns: string, name: string) =>
  ((await admin.send<{ imagePullSecrets?: { name: string }[] }>({ verb: 'get', apiVersion: 'v1', plural: 'serviceaccounts', namespace: ns, name })).imagePullSecrets ?? []).map((r) => r.name);
async function secretIn(ns: string) {
  try {
    return await admin.send<{ data?: Record<string, string> }>({ verb: 'get', apiVersion: 'v1', plural: 'secrets', namespace: ns, name: 'ecr-pull' });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_KUBE_NOT_FOUND') return undefined;
    throw error;
  }
}

function controllerWith(client: KubeWatchClient, raw: Record<string, unknown>) {
  const events = createEventRecorder({ client, clock: systemClock, logger, identity: 'test' });
  return createNamespaceController({ client, selection: selectionOf(raw), clock: systemClock, timers: systemTimers, logger, events });
}

describe('cluster-wide pull Secrets: what a cycle sends, and faults', () => {
  it('watches again after every connection is cut, and serves what changed meanwhile', async () => {
    await namespace('cut-a');
    const relay = await startCuttingRelay(new URL(kube.url));
    const kubeconfig = writeKubeconfig(join(kube.dir, 'relayed.kubeconfig'), { url: relay.url, caFile: kube.caFile }, { token: kube.adminToken });
    const client = createKubeClient({ connection: loadKubeConnection({ kubeconfig }), requestTimeoutMs: 5_000 });
    const restarts: string[] = [];
    const events = createEventRecorder({ client, clock: systemClock, logger, identity: 'test' });
    const controller = createNamespaceController({
      client, selection: selectionOf({ namespaces: ['cut-*'] }), clock: systemClock, timers: systemTimers, logger, events, random: () => 0.5,
      observer: { wrote: () => {}, failed: () => {}, watchRestarted: (resource) => restarts.push(resource) },
    });
    try {
      controller.start();
      await controller.sync();
      const token = testToken(1);
      expect(await controller.publish([token])).toEqual([]);
      expect(registryEntry((await secretIn('cut-a'))!).password).toBe(token.password);

      expect(relay.cutAll()).toBeGreaterThan(0);
      // Changed while no watch is open: the watch from the last version seen delivers it.
      await namespace('cut-b');
      await admin.send({ verb: 'delete', apiVersion: 'v1', plural: 'secrets', namespace: 'cut-a', name: 'ecr-pull' });
      await waitFor(async () => (await secretIn('cut-b')) && (await secretIn('cut-a')), { what: 'both namespaces served after the cut', timeoutMs: 15_000 });
      expect(restarts.length).toBeGreaterThan(0);

      relay.cutAll();
      await namespace('cut-c');
      await waitFor(() => secretIn('cut-c'), { what: 'cut-c served after a second cut', timeoutMs: 15_000 });
    } finally {
      await controller.stop();
      await client.close();
      await relay.close();
    }
  }, 60_000);

  it('a scheduled refresh writes every managed Secret once and reads nothing beyond the watches', async () => {
    for (const name of ['cycle-a', 'cycle-b', 'cycle-c']) await namespace(name);
    const calls: string[] = [];
    const recording: KubeWatchClient = {
      endpoint: admin.endpoint,
      close: async () => {},
      watch: (call, onEvent) => admin.watch(call, onEvent),
      send<T>(call: KubeRequest): Promise<T> {
        calls.push(`${call.verb} ${call.plural}`);
        return admin.send<T>(call);
      },
    };
    const controller = controllerWith(recording, { namespaces: ['cycle-*'] });
    try {
      controller.start();
      await controller.sync();
      expect(await controller.publish([testToken(7)])).toEqual([]);
      await waitFor(() => controller.outOfSync([testToken(7)]).length === 0 || undefined, { what: 'the first writes seen by the watch', timeoutMs: 10_000 });
      calls.length = 0;
      expect(await controller.publish([testToken(8)])).toEqual([]);
      expect(calls).toEqual(['patch secrets', 'patch secrets', 'patch secrets']);
      await waitFor(() => controller.outOfSync([testToken(8)]).length === 0 || undefined, { what: 'the new token seen by the watch', timeoutMs: 10_000 });
      expect(calls).toHaveLength(3);
      expect(registryEntry((await secretIn('cycle-b'))!).password).toBe(testToken(8).password);
    } finally {
      await controller.stop();
    }
  }, 60_000);

  it('retries a ServiceAccount patch that raced a concurrent change, keeping that change', async () => {
    await namespace('race-a');
    await serviceAccount('race-a', 'default', ['theirs']);
    let raced = false;
    const patches: string[] = [];
    const racing: KubeWatchClient = {
      ...admin,
      endpoint: admin.endpoint,
      watch: (call, onEvent) => admin.watch(call, onEvent),
      close: async () => {},
      async send<T>(call: KubeRequest): Promise<T> {
        if (call.verb === 'patch' && call.plural === 'serviceaccounts' && !raced) {
          raced = true;
          // Someone else edits the ServiceAccount after our cache saw it.
          await kubectlOk(kube, ['patch', 'serviceaccount', '-n', 'race-a', 'default', '--type=json', '-p', '[{"op":"add","path":"/imagePullSecrets/-","value":{"name":"late"}}]']);
        }
        if (call.verb !== 'patch' || call.plural !== 'serviceaccounts') return admin.send<T>(call);
        try {
          const answer = await admin.send<T>(call);
          patches.push('ok');
          return answer;
        } catch (error) {
          patches.push((error as { code?: string }).code ?? 'error');
          throw error;
        }
      },
    };
    const controller = controllerWith(racing, { namespaces: ['race-a'], serviceAccounts: ['default'] });
    try {
      controller.start();
      await controller.sync();
      await controller.publish([testToken(2)]);
      await waitFor(async () => (await pullSecretsOf('race-a', 'default')).join() === 'theirs,late,ecr-pull' || undefined, { what: 'the patch retried over the new version', timeoutMs: 10_000 });
      // The stale patch was refused (409), not applied over the change, then made again over the new version.
      expect(patches).toEqual(['ERR_KUBE_CONFLICT', 'ok']);
    } finally {
      await controller.stop();
    }
  }, 60_000);

  it('a namespace where the write is Forbidden gets an Event; the other namespaces are served', async () => {
    await namespace('perm-ok');
    await namespace('perm-denied');
    const manifest = [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'refresher', namespace: 'perm-ok' } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'perm-watch' },
        rules: [
          { apiGroups: [''], resources: ['namespaces'], verbs: ['list', 'watch'] },
          { apiGroups: [''], resources: ['secrets'], verbs: ['list', 'watch'] },
          { apiGroups: [''], resources: ['events'], verbs: ['create'] },
        ],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'perm-watch' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'perm-watch' },
        subjects: [{ kind: 'ServiceAccount', name: 'refresher', namespace: 'perm-ok' }],
      },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'write', namespace: 'perm-ok' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'create', 'update', 'patch'] }] },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'write', namespace: 'perm-ok' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'write' },
        subjects: [{ kind: 'ServiceAccount', name: 'refresher', namespace: 'perm-ok' }],
      },
    ];
    await kubectlOk(kube, ['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifest }));
    const token = await kube.serviceAccountToken('perm-ok', 'refresher');
    const client = clientFor(kube, token) as KubeWatchClient;
    const controller = controllerWith(client, { namespaces: ['perm-*'] });
    try {
      controller.start();
      await controller.sync();
      const failures = await controller.publish([testToken(3)]);
      expect(failures.map((f) => [f.namespace, (f.error as { code?: string }).code])).toEqual([['perm-denied', 'ERR_KUBE_FORBIDDEN']]);
      expect(registryEntry((await secretIn('perm-ok'))!).password).toBe(testToken(3).password);
      const events = await waitFor(async () => {
        const list = await admin.send<{ items: { reason: string; message: string }[] }>({ verb: 'list', apiVersion: 'v1', plural: 'events', namespace: 'perm-denied' });
        return list.items.length ? list.items : undefined;
      }, { what: 'the Forbidden Event', timeoutMs: 10_000 });
      expect(events[0]!.reason).toBe('PullSecretForbidden');
      expect(events[0]!.message).toContain('add to a Role in namespace "perm-denied"');
    } finally {
      await controller.stop();
      await client.close();
    }
  }, 60_000);
});
