// Every ci/*-values.yaml rendered and sent to a real API server with
// `kubectl apply --dry-run=server --validate=strict`, after the Prometheus Operator's CRDs, so
// the server validates every object, ServiceMonitor and PrometheusRule included.
// (`helm install --dry-run=server` would not send the objects for validation.)
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { kubeBinary, prometheusOperatorCrdFiles } from '../support/kube/kube-binary.js';
import { runCommand } from '../support/kube/run-command.js';
import { startKubeApiServer, type KubeApiServer } from '../support/kube/start-kube-api-server.js';
import { waitFor } from '../support/wait-for.js';
import { CHART, ciValuesFiles } from './support/chart-dir.js';

const NAMESPACE = 'ecr';
type Doc = Record<string, any>;

let kube: KubeApiServer;
beforeAll(async () => {
  kube = await startKubeApiServer();
  const crds = prometheusOperatorCrdFiles();
  expect(crds.map((file) => basename(file)).sort()).toEqual([
    'monitoring.coreos.com_prometheusrules.yaml',
    'monitoring.coreos.com_servicemonitors.yaml',
  ]);
  // Server-side apply: these CRDs are too large for the last-applied annotation of a client-side apply.
  const applied = await kube.kubectl(['apply', '--server-side', ...crds.flatMap((file) => ['-f', file])]);
  expect(applied.code, applied.stderr).toBe(0);
  for (const crd of ['servicemonitors.monitoring.coreos.com', 'prometheusrules.monitoring.coreos.com']) {
    await waitFor(
      async () => {
        const got = await kube.kubectl(['get', 'crd', crd, '-o', 'jsonpath={.status.conditions[?(@.type=="Established")].status}']);
        return got.stdout === 'True';
      },
      { what: `CRD ${crd} to be established`, timeoutMs: 60_000, intervalMs: 200 },
    );
  }
}, 120_000);
afterAll(() => kube?.stop());

async function render(args: string[]): Promise<Doc[]> {
  const result = await runCommand(kubeBinary('helm'), ['template', 'rel', CHART, '--namespace', NAMESPACE, ...args]);
  expect(result.code, result.stderr).toBe(0);
  return parseAllDocuments(result.stdout)
    .map((doc) => doc.toJS() as Doc | null)
    .filter((doc): doc is Doc => doc !== null);
}

/** The namespaces the documents go to must exist, even for a dry run. */
async function ensureNamespaces(docs: Doc[]) {
  for (const namespace of new Set(docs.map((doc) => doc.metadata.namespace ?? NAMESPACE))) {
    const created = await kube.kubectl(['create', 'namespace', namespace]);
    if (created.code !== 0) expect(created.stderr).toMatch(/already exists/);
  }
}

function dryRun(docs: Doc[]) {
  return kube.kubectl(['apply', '--dry-run=server', '--validate=strict', '-f', '-'], {
    input: docs.map((doc) => stringify(doc)).join('---\n'),
  });
}

function objectName(doc: Doc): string {
  return `${doc.kind}/${doc.metadata.name}`;
}

describe('the rendered chart, validated by the API server', () => {
  it.each(ciValuesFiles().map((file) => basename(file)))('accepts every object rendered with ci/%s', async (file) => {
    const docs = await render(['-f', `${CHART}/ci/${file}`]);
    await ensureNamespaces(docs);
    const result = await dryRun(docs);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    // One "(server dry run)" line per object: nothing was skipped.
    const lines = result.stdout.split('\n').filter((line) => line.endsWith('(server dry run)'));
    expect(lines).toHaveLength(docs.length);
  });

  it('covers the kinds the tests of this file are meant to reach', async () => {
    const kinds = new Set<string>();
    for (const file of ciValuesFiles()) for (const doc of await render(['-f', file])) kinds.add(doc.kind);
    for (const kind of ['Deployment', 'CronJob', 'Job', 'ServiceMonitor', 'PrometheusRule', 'Role', 'RoleBinding', 'PodDisruptionBudget']) {
      expect([...kinds]).toContain(kind);
    }
  });

  it('refuses an unknown field with --validate=strict, so an accepted render means something', async () => {
    const docs = await render(['-f', `${CHART}/ci/deployment-values.yaml`]);
    const deployment = docs.find((doc) => doc.kind === 'Deployment')!;
    deployment.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    const result = await dryRun([deployment]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('unknown field "spec.template.spec.containers[0].imagePullPolicyy"');
  });

  it.each([
    ['ServiceMonitor', (doc: Doc) => (doc.spec.endpoints[0].interval = '30 seconds'), /interval/],
    ['PrometheusRule', (doc: Doc) => (doc.spec.groups[0].rules[0].for = 'ten minutes'), /for/],
  ])('validates the %s against the Prometheus Operator CRD', async (kind, spoil, message) => {
    const docs = await render(['-f', `${CHART}/ci/deployment-values.yaml`]);
    const doc = docs.find((d) => d.kind === kind)!;
    const accepted = await dryRun([doc]);
    expect(accepted.code, accepted.stderr).toBe(0);
    spoil(doc);
    const refused = await dryRun([doc]);
    expect(refused.code, `${objectName(doc)} with a bad value was accepted`).not.toBe(0);
    expect(refused.stderr).toMatch(/Invalid value/);
    expect(refused.stderr).toMatch(message);
  });
});
