// The chart installed on a real API server the way an operator runs it: install, a values
// upgrade, deployment -> cronjob -> deployment, rollback and uninstall, with every object
// validated and stored by the server. No kubelet runs (pods stay Pending), so never --wait;
// the install-time hook Job is completed through its status as a Job controller would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startKubeApiServer, type KubeApiServer } from '../support/kube/start-kube-api-server.js';
import { CHART } from './support/chart-dir.js';
import { completeJob } from './support/complete-job.js';
import { runHelm } from './support/run-helm.js';

const NAMESPACE = 'ecr';
const RELEASE = 'rel';
const FULLNAME = 'rel-ecr-token-refresher';
/** Everything the chart can make, across both modes, in every namespace it writes to. */
const KINDS = 'deployment,cronjob,job,service,configmap,secret,serviceaccount,role,rolebinding,poddisruptionbudget';
const BASE = [
  '--namespace', NAMESPACE, '--set', 'pipecatApiKey.value=pk_lifecycle_not_real', '--set', 'aws.region=us-east-1',
  '--set', 'targets[0].secretSet=ecr-prod', '--set', 'targets[1].kubernetesSecret.namespace=agents',
  '--set', 'targets[1].kubernetesSecret.name=ecr-pull',
];
const DEPLOYMENT = ['--set', 'mode=deployment', '--set', 'leaderElection.enabled=true', '--set', 'replicaCount=2'];
const CRONJOB = ['--set', 'mode=cronjob', '--set', 'cronjob.installJob.enabled=true'];

let kube: KubeApiServer;
beforeAll(async () => {
  kube = await startKubeApiServer();
  for (const namespace of [NAMESPACE, 'agents']) expect((await kube.kubectl(['create', 'namespace', namespace])).code).toBe(0);
}, 120_000);
afterAll(() => kube?.stop());

async function helm(args: string[]) {
  const result = await runHelm(kube, args);
  expect(result.code, `helm ${args[0]}: ${result.stderr}`).toBe(0);
  return result;
}

/** kind/name of every object of the release still on the server, in both namespaces. */
async function releaseObjects(): Promise<string[]> {
  const got = await kube.kubectl(['get', KINDS, '-A', '-l', `app.kubernetes.io/instance=${RELEASE}`, '-o', 'name']);
  expect(got.code, got.stderr).toBe(0);
  return got.stdout.split('\n').filter(Boolean).sort();
}

async function getJson(args: string[]) {
  const got = await kube.kubectl([...args, '-o', 'json']);
  expect(got.code, got.stderr).toBe(0);
  return JSON.parse(got.stdout);
}

async function configFile(): Promise<Record<string, any>> {
  const configMap = await getJson(['get', 'configmap', FULLNAME, '-n', NAMESPACE]);
  return parse(configMap.data['config.yaml']);
}

async function revision(): Promise<number> {
  const status = JSON.parse((await helm(['status', RELEASE, '-n', NAMESPACE, '-o', 'json'])).stdout);
  expect(status.info.status).toBe('deployed');
  return status.version;
}

describe('the chart on a real API server', () => {
  it('installs in deployment mode with leader election: Deployment, PDB, RBAC in the target namespace', async () => {
    await helm(['install', RELEASE, CHART, ...BASE, ...DEPLOYMENT]);
    expect(await revision()).toBe(1);
    expect(await releaseObjects()).toEqual([
      'configmap/rel-ecr-token-refresher',
      'deployment.apps/rel-ecr-token-refresher',
      'poddisruptionbudget.policy/rel-ecr-token-refresher',
      'role.rbac.authorization.k8s.io/rel-ecr-token-refresher-leader-election',
      'role.rbac.authorization.k8s.io/rel-ecr-token-refresher-pull-secrets',
      'rolebinding.rbac.authorization.k8s.io/rel-ecr-token-refresher-leader-election',
      'rolebinding.rbac.authorization.k8s.io/rel-ecr-token-refresher-pull-secrets',
      'secret/rel-ecr-token-refresher',
      'service/rel-ecr-token-refresher',
      'serviceaccount/rel-ecr-token-refresher',
    ]);
    const deployment = await getJson(['get', 'deployment', FULLNAME, '-n', NAMESPACE]);
    expect(deployment.spec.replicas).toBe(2);
    const role = await getJson(['get', 'role', `${FULLNAME}-pull-secrets`, '-n', 'agents']);
    expect(role.rules[0].resourceNames).toEqual(['ecr-pull']);
  });

  it('upgrades a value in place: a new revision with the new schedule and replica count', async () => {
    await helm(['upgrade', RELEASE, CHART, ...BASE, ...DEPLOYMENT, '--set', 'schedule=0 */3 * * *', '--set', 'replicaCount=3']);
    expect(await revision()).toBe(2);
    expect((await configFile()).schedule).toBe('0 */3 * * *');
    expect((await getJson(['get', 'deployment', FULLNAME, '-n', NAMESPACE])).spec.replicas).toBe(3);
  });

  it('upgrades to cronjob mode: the daemon objects go, the CronJob comes', async () => {
    await helm(['upgrade', RELEASE, CHART, ...BASE, ...CRONJOB]);
    expect(await revision()).toBe(3);
    const objects = await releaseObjects();
    expect(objects).toContain('cronjob.batch/rel-ecr-token-refresher');
    for (const gone of ['deployment.apps/', 'service/', 'poddisruptionbudget.policy/', 'role.rbac.authorization.k8s.io/rel-ecr-token-refresher-leader-election']) {
      expect(objects.filter((name) => name.startsWith(gone))).toEqual([]);
    }
    // The pull-Secret RBAC stays: the CronJob's runs write that Secret too.
    expect(objects).toContain('role.rbac.authorization.k8s.io/rel-ecr-token-refresher-pull-secrets');
  });

  it('upgrades back to deployment mode and rolls back to the cronjob revision', async () => {
    await helm(['upgrade', RELEASE, CHART, ...BASE, ...DEPLOYMENT]);
    expect(await revision()).toBe(4);
    expect(await releaseObjects()).toContain('deployment.apps/rel-ecr-token-refresher');
    expect((await releaseObjects()).filter((name) => name.startsWith('cronjob'))).toEqual([]);

    await helm(['rollback', RELEASE, '3', '-n', NAMESPACE]);
    expect(await revision()).toBe(5);
    const objects = await releaseObjects();
    expect(objects).toContain('cronjob.batch/rel-ecr-token-refresher');
    expect(objects.filter((name) => name.startsWith('deployment'))).toEqual([]);
  });

  it('uninstalls leaving nothing of the release behind, release history included', async () => {
    await helm(['uninstall', RELEASE, '-n', NAMESPACE]);
    expect(await releaseObjects()).toEqual([]);
    const history = await kube.kubectl(['get', 'secrets', '-n', NAMESPACE, '-l', `owner=helm,name=${RELEASE}`, '-o', 'name']);
    expect(history).toMatchObject({ code: 0, stdout: '' });
  });

  it('runs the install-time hook Job of a fresh cronjob install, which the server accepts', async () => {
    const installing = runHelm(kube, ['install', 'hooked', CHART, ...BASE, ...CRONJOB, '--timeout=90s']);
    // helm waits for the hook Job to succeed; nothing runs its pod, so finish it as a controller would.
    await completeJob(kube, NAMESPACE, 'hooked-ecr-token-refresher-install');
    const installed = await installing;
    expect(installed.code, installed.stderr).toBe(0);
    const status = JSON.parse((await helm(['status', 'hooked', '-n', NAMESPACE, '-o', 'json'])).stdout);
    expect(status.info.status).toBe('deployed');
    expect(status.hooks.map((hook: { name: string; events: string[] }) => [hook.name, hook.events])).toEqual([
      ['hooked-ecr-token-refresher-install', ['post-install']],
    ]);
    // hook-delete-policy hook-succeeded: helm saw it succeed and removed it.
    const job = await kube.kubectl(['get', 'job', 'hooked-ecr-token-refresher-install', '-n', NAMESPACE]);
    expect(job.stderr).toContain('NotFound');
    await helm(['uninstall', 'hooked', '-n', NAMESPACE]);
  }, 120_000);
});
