// What a scheduled refresh of a cluster-wide target costs the API server,
// counted by the API server itself (its audit log, only the daemon's user):
// one write per managed Secret, and no list or get, because the daemon
// decides from the cache its watches keep and confirms from their events.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { TargetConfig } from '../../../src/config/config.js';
import { createApp } from '../../../src/create-app.js';
import type { KubeClient } from '../../../src/kubernetes/api/create-kube-client.js';
import { loadKubeConnection } from '../../../src/kubernetes/api/load-kube-connection.js';
import { readSelection } from '../../../src/kubernetes/controller/selection.js';
import type { Scheduler } from '../../../src/schedule/scheduler.js';
import type { EcrStandIn } from '../../../stand-ins/ecr-stand-in.js';
import { countAuditedCalls } from '../../support/kube/count-audited-calls.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube/start-kube-api-server.js';
import { inProcessAwsEnv } from '../../support/in-process-aws-env.js';
import { makeConfig, makeTarget } from '../../support/make-config.js';
import { systemTest } from '../../support/system-test.js';
import { waitFor } from '../../support/wait-for.js';
import { clientFor } from '../support/client-for.js';
import { kubectlOk } from '../support/grant.js';
import { registryEntry } from '../support/test-token.js';

const DAEMON_USER = 'system:serviceaccount:ecr-system:refresher';
const NAMESPACES = ['audit-a', 'audit-b', 'audit-c', 'audit-d'];
let ecr: EcrStandIn;
let kube: KubeApiServer;
let admin: KubeClient;
const saved = { ...process.env };

systemTest.beforeAll(async ({ ecr: ecrStandIn }) => {
  ecr = ecrStandIn;
  Object.assign(process.env, inProcessAwsEnv(ecr.url));
}, 10_000);
beforeAll(async () => {
  kube = await startKubeApiServer({ auditLog: true });
  admin = clientFor(kube);
}, 120_000);
afterAll(async () => {
  process.env = saved;
  await admin?.close();
  await kube?.stop();
});

/** A scheduler whose tick is fired by the test. */
function handScheduler() {
  let onTick: (() => void) | undefined;
  const scheduler: Scheduler = { start: (tick) => void (onTick = tick), stop: () => void (onTick = undefined), nextRun: () => undefined, longestIntervalMs: () => 6 * 3_600_000 };
  return { scheduler, tick: () => onTick!() };
}

const holds = async (ns: string, index: number) => {
  try {
    const secret = await admin.send<{ data?: Record<string, string> }>({ verb: 'get', apiVersion: 'v1', plural: 'secrets', namespace: ns, name: 'ecr-pull' });
    return registryEntry(secret).password === ecr.issued[index]?.password;
  } catch {
    return false;
  }
};
const allHold = (index: number) => async () => (await Promise.all(NAMESPACES.map((ns) => holds(ns, index)))).every(Boolean) || undefined;

describe('a scheduled cycle, from the API server audit log', () => {
  systemTest('writes each managed Secret once and lists or gets nothing', async () => {
    for (const name of NAMESPACES) await admin.send({ verb: 'create', apiVersion: 'v1', plural: 'namespaces', body: { metadata: { name } } });
    // The daemon runs as a ServiceAccount of its own, so its requests are told apart from the test's.
    await kubectlOk(kube, ['create', 'clusterrolebinding', 'refresher', '--clusterrole=cluster-admin', '--serviceaccount=ecr-system:refresher']);
    const token = await kube.serviceAccountToken('ecr-system', 'refresher');
    const read = readSelection({ name: 'ecr-pull', namespaces: ['audit-*'] }, 'targets[0].kubernetesSecret');
    const target: TargetConfig = { ...makeTarget({ name: 'cluster/ecr-pull', format: 'image-pull-secret' }), destination: { kind: 'kubernetes-cluster', selection: read.selection! } };
    const { scheduler, tick } = handScheduler();
    const instance = createApp({
      config: makeConfig({ targets: [target], requestTimeoutMs: 5_000, confirmTimeoutMs: 10_000 }),
      version: 'test',
      scheduler,
      kubernetes: { connection: loadKubeConnection({ kubeconfig: kube.writeKubeconfig('refresher', { token }) }) },
      logDestination: { write: () => undefined },
    });
    try {
      await instance.startDaemon();
      await waitFor(allHold(0), { what: 'the start-up cycle', timeoutMs: 20_000 });
      const startup = countAuditedCalls(kube.auditLogFile!, { user: DAEMON_USER, fromMs: 0, toMs: Date.now() });
      // The start-up cycle did list (to fill the cache): the log does see this user's reads.
      expect(startup['list namespaces']).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 1_000));

      const fromMs = Date.now();
      tick();
      await waitFor(allHold(1), { what: 'the scheduled cycle', timeoutMs: 20_000 });
      // Room for anything the cycle would send after the Secrets are written (a confirmation read, a repeat write).
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(countAuditedCalls(kube.auditLogFile!, { user: DAEMON_USER, fromMs, toMs: Date.now() })).toEqual({ 'patch secrets': NAMESPACES.length });
    } finally {
      await instance.stop();
    }
  }, 90_000);
});
