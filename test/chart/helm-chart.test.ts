// Checks the Helm chart with the real tools, found on PATH (scripts/install-test-tools installs
// them): `helm lint --strict`, `helm template` of every ci/*-values.yaml with assertions on the
// parsed documents, the helm-unittest suites, kubernetes-validate on the rendered manifests and
// `promtool check rules` on the rendered PrometheusRule.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { findTool } from '../support/find-tool.js';
import { ROOT } from '../support/root.js';

const CHART = join(ROOT, 'helm', 'ecr-token-refresher');
const CI_VALUES = readdirSync(join(CHART, 'ci'))
  .filter((name) => name.endsWith('-values.yaml'))
  .sort();
/** kubernetes-validate ships offline schemas for this release; so does the helm build (k8s 1.37). */
const KUBERNETES_VERSION = '1.37.0';
const CRD_KINDS = new Set(['ServiceMonitor', 'PrometheusRule']);

const work = mkdtempSync(join(tmpdir(), 'helm-chart-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Doc = Record<string, any>;

function run(tool: string, args: string[]) {
  const result = spawnSync(findTool(tool), args, { encoding: 'utf8', cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, output: result.stdout + result.stderr };
}

function helmTemplate(args: string[]) {
  return run('helm', ['template', 'rel', CHART, '--namespace', 'ecr', ...args]);
}

function render(valuesFile: string, extra: string[] = []): Doc[] {
  const result = helmTemplate(['-f', join(CHART, 'ci', valuesFile), ...extra]);
  expect(result.status, result.output).toBe(0);
  return parseAllDocuments(result.stdout)
    .map((doc) => doc.toJS() as Doc | null)
    .filter((doc): doc is Doc => doc !== null);
}

function ciValues(valuesFile: string): Doc {
  return parse(readFileSync(join(CHART, 'ci', valuesFile), 'utf8')) ?? {};
}

function kinds(docs: Doc[]): string[] {
  return docs.map((doc) => doc.kind).sort();
}

/** Every pod spec in the documents: Deployment, CronJob and Job templates. */
function podSpecs(docs: Doc[]): { owner: string; pod: Doc }[] {
  return docs.flatMap((doc) => {
    if (doc.kind === 'Deployment' || doc.kind === 'Job') return [{ owner: `${doc.kind}/${doc.metadata.name}`, pod: doc.spec.template }];
    if (doc.kind === 'CronJob') return [{ owner: `CronJob/${doc.metadata.name}`, pod: doc.spec.jobTemplate.spec.template }];
    return [];
  });
}

/** The clear-text values of the chart-made Secret. */
function secretValues(docs: Doc[]): string[] {
  return docs
    .filter((doc) => doc.kind === 'Secret')
    .flatMap((doc) => Object.values(doc.data ?? {}).map((value) => Buffer.from(String(value), 'base64').toString('utf8')));
}

describe('helm lint --strict', () => {
  it.each(CI_VALUES)('passes with ci/%s', (valuesFile) => {
    const result = run('helm', ['lint', '--strict', CHART, '-f', join(CHART, 'ci', valuesFile)]);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it('covers both modes among the ci values files', () => {
    const modes = new Set(CI_VALUES.map((file) => ciValues(file).mode ?? 'deployment'));
    expect([...modes].sort()).toEqual(['cronjob', 'deployment']);
  });
});

describe.each(CI_VALUES)('helm template with ci/%s', (valuesFile) => {
  const values = ciValues(valuesFile);
  const mode = values.mode ?? 'deployment';

  it('renders the workload kinds of its mode and none of the other', () => {
    const docs = render(valuesFile);
    const rendered = kinds(docs);
    expect(rendered).toContain('ConfigMap');
    if (mode === 'deployment') {
      expect(rendered).toContain('Deployment');
      expect(rendered).toContain('Service');
      expect(rendered).not.toContain('CronJob');
      expect(rendered).not.toContain('Job');
      expect(rendered.includes('ServiceMonitor')).toBe(values.serviceMonitor?.enabled === true);
    } else {
      expect(rendered).toContain('CronJob');
      expect(rendered).not.toContain('Deployment');
      expect(rendered).not.toContain('Service');
      expect(rendered).not.toContain('ServiceMonitor');
      const hookJobs = docs.filter((doc) => doc.kind === 'Job');
      expect(hookJobs).toHaveLength(values.cronjob?.installJob?.enabled === false ? 0 : 1);
      for (const job of hookJobs) expect(job.metadata.annotations['helm.sh/hook']).toMatch(/^post-install/);
    }
    expect(rendered.includes('Secret')).toBe(Boolean(values.pipecatApiKey?.value || values.alertWebhook?.url));
    expect(rendered.includes('PrometheusRule')).toBe(values.prometheusRule?.enabled === true);
  });

  it('keeps every secret value out of ConfigMaps and env values', () => {
    const docs = render(valuesFile);
    const secrets = [values.pipecatApiKey?.value, values.alertWebhook?.url, ...secretValues(docs)].filter(
      (value): value is string => typeof value === 'string' && value !== '',
    );
    for (const configMap of docs.filter((doc) => doc.kind === 'ConfigMap')) {
      const text = stringify(configMap);
      for (const secret of secrets) expect(text, `ConfigMap ${configMap.metadata.name}`).not.toContain(secret);
      expect(text).not.toMatch(/apiKey:/);
    }
    for (const { owner, pod } of podSpecs(docs)) {
      for (const container of pod.spec.containers) {
        for (const env of container.env ?? []) {
          expect(env.name, owner).not.toBe('PCC_API_KEY');
          if ('value' in env) for (const secret of secrets) expect(String(env.value), `${owner} env ${env.name}`).not.toContain(secret);
        }
        expect(container.env).toContainEqual({ name: 'PCC_API_KEY_FILE', value: '/var/run/secrets/pipecat/api-key' });
      }
    }
  });

  it('runs every pod non-root with a read-only root filesystem and a writable /tmp', () => {
    const pods = podSpecs(render(valuesFile));
    expect(pods.length).toBeGreaterThan(0);
    for (const { owner, pod } of pods) {
      expect(pod.spec.securityContext, owner).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
      for (const container of pod.spec.containers) {
        expect(container.securityContext, owner).toMatchObject({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        });
        expect(container.volumeMounts, owner).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
      }
    }
  });

  it('mounts a config.yaml the refresher can read, with the targets of the values file', () => {
    const docs = render(valuesFile);
    const configMap = docs.find((doc) => doc.kind === 'ConfigMap' && doc.data?.['config.yaml']);
    const config = parse(configMap!.data['config.yaml']);
    expect(config.metricsPort).toBe(9102);
    // One config path: always a targets list; the single-target shorthand becomes its one item.
    const shorthand = [
      Object.fromEntries(
        Object.entries({
          secretSet: values.secretSet,
          format: values.secretFormat ?? 'auto',
          pccRegion: values.pccRegion,
          registryId: values.registryId,
          roleArn: values.roleArn,
        }).filter(([, value]) => value),
      ),
    ];
    expect(config.targets).toEqual(values.targets?.length ? values.targets : shorthand);
    for (const { pod } of podSpecs(docs)) {
      expect(pod.spec.containers[0].args.slice(0, 2)).toEqual(['--config', '/etc/ecr-token-refresher/config.yaml']);
    }
  });
});

describe('pod template checksums', () => {
  const checksums = (extra: string[]) => {
    const deployment = render('deployment-values.yaml', extra).find((doc) => doc.kind === 'Deployment')!;
    return deployment.spec.template.metadata.annotations as Record<string, string>;
  };

  it('changes the config checksum, and only it, when the targets change', () => {
    const before = checksums([]);
    const after = checksums(['--set', 'targets[0].secretSet=ecr-other']);
    expect(after['checksum/config']).toMatch(/^[0-9a-f]{64}$/);
    expect(after['checksum/config']).not.toBe(before['checksum/config']);
    expect(after['checksum/secret']).toBe(before['checksum/secret']);
  });

  it('changes the secret checksum when the key changes', () => {
    const before = checksums([]);
    const after = checksums(['--set', 'pipecatApiKey.value=pk_rotated_key']);
    expect(after['checksum/secret']).not.toBe(before['checksum/secret']);
    expect(after['checksum/config']).toBe(before['checksum/config']);
  });
});

describe('render failures', () => {
  const base = ['--set', 'secretSet=ecr-pull', '--set', 'aws.region=us-east-1'];

  it('refuses to render without a Pipecat Cloud API key', () => {
    const result = helmTemplate(base);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/Pipecat Cloud private API key is required/);
  });

  it.each([
    ['an unknown mode', ['--set', 'mode=daemonset'], /mode/],
    ['an unknown secret format', ['--set', 'secretFormat=docker'], /secretFormat/],
    ['an unknown top-level key', ['--set', 'replicas=2'], /replicas/],
    ['several replicas without leader election', ['--set', 'replicaCount=2'], /leaderElection\/enabled/],
    ['a number where a boolean belongs', ['--set', 'serviceMonitor.enabled=3'], /serviceMonitor/],
  ])('rejects %s through the values schema', (_what, args, message) => {
    const result = helmTemplate([...base, '--set', 'pipecatApiKey.value=k', ...args]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/schema/);
    expect(result.stderr).toMatch(message);
  });
});

describe('helm-unittest', () => {
  it('passes every suite under tests/', () => {
    const suites = readdirSync(join(CHART, 'tests')).filter((name) => name.endsWith('_test.yaml'));
    expect(suites.length).toBeGreaterThanOrEqual(10);
    const result = run('helm-unittest', ['--color=false', CHART]);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toMatch(new RegExp(`Test Suites:\\s+${suites.length} passed, ${suites.length} total`));
  });
});

describe('kubernetes-validate --strict', () => {
  it('rejects an unknown field, so a pass below means something', () => {
    const file = join(work, 'bad.yaml');
    writeFileSync(file, stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, bogus: 1 }));
    const result = run('kubernetes-validate', ['--strict', '-k', KUBERNETES_VERSION, file]);
    expect(result.status).not.toBe(0);
  });

  it.each(CI_VALUES)('accepts the built-in kinds rendered with ci/%s', (valuesFile) => {
    const docs = render(valuesFile).filter((doc) => !CRD_KINDS.has(doc.kind));
    const file = join(work, `${valuesFile}.rendered.yaml`);
    writeFileSync(file, docs.map((doc) => stringify(doc)).join('---\n'));
    const result = run('kubernetes-validate', ['--strict', '--quiet', '-k', KUBERNETES_VERSION, file]);
    expect(result.status, result.output).toBe(0);
    expect(result.output).not.toMatch(/ERROR|WARN/);
  });
});

describe('PrometheusRule', () => {
  const thresholds = ciValues('deployment-values.yaml').prometheusRule.thresholds;

  it('renders rules that promtool accepts, with the overridden thresholds', () => {
    const rule = render('deployment-values.yaml').find((doc) => doc.kind === 'PrometheusRule')!;
    const file = join(work, 'rules.yaml');
    writeFileSync(file, stringify(rule.spec));
    const result = run('promtool', ['check', 'rules', file]);
    expect(result.status, result.output).toBe(0);

    const exprs = rule.spec.groups.flatMap((group: Doc) => group.rules.map((r: Doc) => String(r.expr ?? ''))).join('\n');
    expect(exprs).toContain(`< ${thresholds.expiringWarningSeconds}`);
    expect(exprs).toContain(`< ${thresholds.expiringCriticalSeconds}`);
    expect(exprs).toContain(`+ ${thresholds.overdueGraceSeconds}`);
    expect(exprs).toContain(`>= ${thresholds.consecutiveFailures}`);
    expect(exprs).not.toMatch(/< 14400|< 3600\b|\+ 1800|>= 3\b/);
  });

  it('adds the extra rule labels to every alert', () => {
    const rule = render('deployment-values.yaml').find((doc) => doc.kind === 'PrometheusRule')!;
    const alerts = rule.spec.groups.flatMap((group: Doc) => group.rules).filter((r: Doc) => r.alert);
    expect(alerts.length).toBeGreaterThan(0);
    for (const alert of alerts) expect(alert.labels, alert.alert).toMatchObject({ team: 'platform', severity: expect.any(String) });
  });
});
