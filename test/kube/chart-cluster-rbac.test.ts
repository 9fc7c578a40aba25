// The chart's RBAC for cluster-wide pull Secret targets, on a real API server with `kubectl auth
// can-i`: a selector or glob gets cluster-wide namespaces list/watch and Secrets, ServiceAccounts
// and Events; plain names get those in their namespaces only; nothing else is granted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../support/kube/start-kube-api-server.js';
import { CHART } from './support/chart-dir.js';
import { runHelm } from './support/run-helm.js';

const NAMESPACE = 'ecr';
const SELECTOR_SA = `system:serviceaccount:${NAMESPACE}:wide-ecr-token-refresher`;
const NAMED_SA = `system:serviceaccount:${NAMESPACE}:named-ecr-token-refresher`;

let kube: KubeApiServer;
beforeAll(async () => {
  kube = await startKubeApiServer();
  for (const namespace of [NAMESPACE, 'agents', 'tools', 'other']) expect((await kube.kubectl(['create', 'namespace', namespace])).code).toBe(0);
  const wide = await runHelm(kube, ['install', 'wide', CHART, '-n', NAMESPACE, '-f', `${CHART}/ci/cluster-pull-secrets-values.yaml`]);
  expect(wide.code, wide.stderr).toBe(0);
  const named = await runHelm(kube, [
    'install', 'named', CHART, '-n', NAMESPACE, '--set', 'aws.region=us-east-1',
    '--set-json', 'targets=[{"kubernetesSecret":{"name":"ecr-pull","namespaces":["agents","tools"],"serviceAccounts":["default"]}}]',
  ]);
  expect(named.code, named.stderr).toBe(0);
}, 120_000);
afterAll(() => kube?.stop());

async function canI(as: string, questions: [string, string, string?][]): Promise<string[]> {
  return Promise.all(
    questions.map(async ([verb, resource, namespace]) => {
      const answer = await kube.kubectl(['auth', 'can-i', verb, resource, ...(namespace ? ['-n', namespace] : ['--all-namespaces'])], { as });
      return `${verb} ${resource} ${namespace ?? '(all namespaces)'}: ${answer.stdout.trim() || answer.stderr.trim()}`;
    }),
  );
}
const all = (answers: string[], expected: 'yes' | 'no') => answers.forEach((a) => expect(a).toMatch(new RegExp(`: ${expected}$`)));

describe('RBAC of the chart for cluster-wide pull Secrets, on a real API server', () => {
  it('with a label selector: lists and watches namespaces, and reads, writes and prunes Secrets, patches ServiceAccounts and records Events anywhere', async () => {
    all(
      await canI(SELECTOR_SA, [
        ['list', 'namespaces'], ['watch', 'namespaces'],
        ['list', 'secrets'], ['watch', 'secrets'], ['create', 'secrets', 'other'], ['patch', 'secrets', 'other'], ['delete', 'secrets', 'other'],
        ['list', 'serviceaccounts'], ['watch', 'serviceaccounts'], ['patch', 'serviceaccounts', 'other'], ['create', 'events', 'other'],
      ]),
      'yes',
    );
  });

  it('with a label selector: nothing beyond that', async () => {
    all(
      await canI(SELECTOR_SA, [
        ['create', 'namespaces'], ['delete', 'namespaces'], ['create', 'serviceaccounts', 'other'], ['delete', 'serviceaccounts', 'other'],
        ['create', 'serviceaccounts/token', 'other'], ['get', 'pods', 'other'], ['create', 'pods', 'other'], ['get', 'configmaps', 'other'],
        ['create', 'roles.rbac.authorization.k8s.io', 'other'], ['create', 'clusterrolebindings.rbac.authorization.k8s.io'],
      ]),
      'no',
    );
  });

  it('with plain names: Secrets, ServiceAccounts and Events only in those namespaces, and no namespace list', async () => {
    all(
      await canI(NAMED_SA, [
        ['list', 'secrets', 'agents'], ['watch', 'secrets', 'tools'], ['create', 'secrets', 'agents'], ['patch', 'secrets', 'tools'], ['delete', 'secrets', 'agents'],
        ['list', 'serviceaccounts', 'agents'], ['patch', 'serviceaccounts', 'tools'], ['create', 'events', 'agents'],
      ]),
      'yes',
    );
    all(
      await canI(NAMED_SA, [
        ['list', 'namespaces'], ['list', 'secrets'], ['list', 'secrets', 'other'], ['create', 'secrets', 'other'], ['get', 'secrets', NAMESPACE],
        ['patch', 'serviceaccounts', 'other'], ['create', 'events', 'other'],
      ]),
      'no',
    );
  });
});
