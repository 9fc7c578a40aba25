// The chart's ServiceAccount may do exactly what its targets and leader election need, checked
// on a real API server with `kubectl auth can-i --as=system:serviceaccount:<ns>:<sa>`: the
// Secrets named by targets[].kubernetesSecret (get, update; create in their namespaces) and the
// Lease in the release namespace, and nothing else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeBinary } from '../support/kube/kube-binary.js';
import { runCommand } from '../support/kube/run-command.js';
import { startKubeApiServer, type KubeApiServer } from '../support/kube/start-kube-api-server.js';
import { CHART } from './support/chart-dir.js';
import { runHelm } from './support/run-helm.js';

const NAMESPACE = 'ecr';
const SA = `system:serviceaccount:${NAMESPACE}:rel-ecr-token-refresher`;
const LEASE = 'leases.coordination.k8s.io';

let kube: KubeApiServer;
beforeAll(async () => {
  kube = await startKubeApiServer();
  for (const namespace of [NAMESPACE, 'agents', 'batch']) expect((await kube.kubectl(['create', 'namespace', namespace])).code).toBe(0);
  // A ServiceAccount bound to nothing: the baseline every ServiceAccount has.
  expect((await kube.kubectl(['create', 'serviceaccount', 'nobody', '-n', NAMESPACE])).code).toBe(0);
  const installed = await runHelm(kube, ['install', 'rel', CHART, '-n', NAMESPACE, '-f', `${CHART}/ci/kubernetes-secrets-values.yaml`]);
  expect(installed.code, installed.stderr).toBe(0);
  const plain = await runHelm(kube, ['install', 'plain', CHART, '-n', NAMESPACE, '--set', 'pipecatApiKey.value=pk_not_real', '--set', 'secretSet=ecr-prod', '--set', 'aws.region=us-east-1']);
  expect(plain.code, plain.stderr).toBe(0);
}, 120_000);
afterAll(() => kube?.stop());

/** "yes"/"no" for each question, asked in parallel: [verb, resource[/name], namespace]. */
async function canI(as: string, questions: [string, string, string][]): Promise<string[]> {
  return Promise.all(
    questions.map(async ([verb, resource, namespace]) => {
      const answer = await kube.kubectl(['auth', 'can-i', verb, resource, '-n', namespace], { as });
      return `${verb} ${resource} -n ${namespace}: ${answer.stdout.trim() || answer.stderr.trim()}`;
    }),
  );
}

function expectAnswers(answers: string[], expected: 'yes' | 'no') {
  for (const answer of answers) expect(answer).toMatch(new RegExp(`: ${expected}$`));
}

/** The rows of `auth can-i --list` for a user, as "resource | urls | names | verbs". */
async function listedRows(as: string, namespace: string): Promise<string[]> {
  const listed = await kube.kubectl(['auth', 'can-i', '--list', '-n', namespace], { as });
  expect(listed.code, listed.stderr).toBe(0);
  return listed.stdout
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => line.trim().split(/\s{2,}/).join(' | '));
}

/** What the user may do beyond what every ServiceAccount may (discovery, self-reviews, ...). */
async function grantedRows(as: string, namespace: string): Promise<string[]> {
  const everyone = new Set(await listedRows(`system:serviceaccount:${NAMESPACE}:nobody`, namespace));
  expect(everyone.size).toBeGreaterThan(0);
  return (await listedRows(as, namespace)).filter((row) => !everyone.has(row)).sort();
}

describe('RBAC of the chart, on a real API server', () => {
  it('allows get and update on each named pull Secret, and create, in its namespace', async () => {
    expectAnswers(
      await canI(SA, [
        ['get', 'secrets/ecr-pull', 'agents'], ['update', 'secrets/ecr-pull', 'agents'],
        ['get', 'secrets/ecr-pull-eu', 'agents'], ['update', 'secrets/ecr-pull-eu', 'agents'],
        ['create', 'secrets', 'agents'],
        ['get', 'secrets/ecr-pull', 'batch'], ['update', 'secrets/ecr-pull', 'batch'], ['create', 'secrets', 'batch'],
      ]),
      'yes',
    );
  });

  it('allows get and update on its Lease by name, and create, in the release namespace', async () => {
    expectAnswers(
      await canI(SA, [['get', `${LEASE}/rel-ecr-token-refresher`, NAMESPACE], ['update', `${LEASE}/rel-ecr-token-refresher`, NAMESPACE], ['create', LEASE, NAMESPACE]]),
      'yes',
    );
  });

  it('denies other Secrets, other namespaces, other verbs and other resources', async () => {
    expectAnswers(
      await canI(SA, [
        ['get', 'secrets/other', 'agents'], ['update', 'secrets/other', 'agents'],
        ['delete', 'secrets/ecr-pull', 'agents'], ['patch', 'secrets/ecr-pull', 'agents'],
        ['list', 'secrets', 'agents'], ['watch', 'secrets', 'agents'], ['deletecollection', 'secrets', 'agents'],
        ['get', 'secrets/ecr-pull-eu', 'batch'], ['get', 'secrets/ecr-pull', NAMESPACE], ['create', 'secrets', NAMESPACE],
        ['get', 'secrets/ecr-pull', 'default'], ['create', 'secrets', 'default'], ['get', 'secrets/rel-ecr-token-refresher', NAMESPACE],
        ['get', 'pods', 'agents'], ['create', 'pods', NAMESPACE], ['get', 'configmaps', NAMESPACE], ['create', 'serviceaccounts/token', NAMESPACE],
        ['get', `${LEASE}/other`, NAMESPACE], ['delete', `${LEASE}/rel-ecr-token-refresher`, NAMESPACE], ['list', LEASE, NAMESPACE],
        ['create', LEASE, 'agents'], ['create', 'roles.rbac.authorization.k8s.io', 'agents'], ['create', 'rolebindings.rbac.authorization.k8s.io', NAMESPACE],
      ]),
      'no',
    );
  });

  it('grants exactly those rules and nothing else in each namespace', async () => {
    expect(await grantedRows(SA, 'agents')).toEqual([
      'secrets | [] | [ecr-pull-eu] | [get update]',
      'secrets | [] | [ecr-pull] | [get update]',
      'secrets | [] | [] | [create]',
    ].sort());
    expect(await grantedRows(SA, 'batch')).toEqual(['secrets | [] | [ecr-pull] | [get update]', 'secrets | [] | [] | [create]'].sort());
    expect(await grantedRows(SA, NAMESPACE)).toEqual([
      `${LEASE} | [] | [rel-ecr-token-refresher] | [get update]`,
      `${LEASE} | [] | [] | [create]`,
    ].sort());
  });

  it('lets the ServiceAccount token itself create, read and update the Secret but not delete it', async () => {
    const token = await kube.serviceAccountToken(NAMESPACE, 'rel-ecr-token-refresher');
    const kubeconfig = kube.writeKubeconfig('refresher', { token });
    const asRefresher = (args: string[], input?: string) =>
      runCommand(kubeBinary('kubectl'), [`--kubeconfig=${kubeconfig}`, ...args], { input, env: { ...process.env, NO_PROXY: '127.0.0.1' } });
    const secret = JSON.stringify({
      apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson',
      metadata: { name: 'ecr-pull', namespace: 'agents' },
      data: { '.dockerconfigjson': Buffer.from('{"auths":{}}').toString('base64') },
    });
    expect(await asRefresher(['create', '-f', '-'], secret)).toMatchObject({ code: 0 });
    expect(await asRefresher(['replace', '-f', '-'], secret)).toMatchObject({ code: 0 });
    expect((await asRefresher(['get', 'secret', 'ecr-pull', '-n', 'agents', '-o', 'name'])).stdout).toBe('secret/ecr-pull\n');
    const deleted = await asRefresher(['delete', 'secret', 'ecr-pull', '-n', 'agents']);
    expect(deleted.code).not.toBe(0);
    expect(deleted.stderr).toContain('Forbidden');
  });

  it('gives a release with only Pipecat Cloud targets no permission at all, and no Role', async () => {
    expect(await grantedRows('system:serviceaccount:ecr:plain-ecr-token-refresher', NAMESPACE)).toEqual([]);
    const roles = await kube.kubectl(['get', 'roles,rolebindings', '-A', '-l', 'app.kubernetes.io/instance=plain', '-o', 'name']);
    expect(roles).toMatchObject({ code: 0, stdout: '' });
  });
});
