// The chart's list of settings against the settings schema: every env var
// name and config file key the chart renders must be one the refresher reads,
// every setting the schema has must be rendered by some values (or be listed
// below as one the chart does not offer, with the reason), and the rendered
// config file must load with the real loader.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';
import { SETTING_SCHEMA, SCHEMA_ENV_NAMES, SCHEMA_FILE_KEYS, type SchemaEntry } from '../../src/config/schema.js';
import { TARGET_ENV } from '../../src/config/schema.js';
import { findTool } from '../support/find-tool.js';

const CHART = fileURLToPath(new URL('../../helm/ecr-token-refresher', import.meta.url));
const CI_VALUES = readdirSync(join(CHART, 'ci')).filter((name) => name.endsWith('-values.yaml'));

/** Settings the chart deliberately does not render, and why. */
const NOT_OFFERED: Record<string, string> = {
  PCC_API_KEY: 'the key is only mounted as a file (PCC_API_KEY_FILE)',
  CONFIG_FILE: 'the chart passes --config',
  METRICS_HOST: 'the pod listens on every interface for the probes and the scrape',
  AWS_ENDPOINT_URL_ECR: 'through extraEnv only',
  LEADER_ELECTION_NAMESPACE: 'the Lease lives in the release namespace (POD_NAMESPACE from the downward API)',
  KUBECONFIG: 'the pod reaches the API server in-cluster',
  KUBERNETES_SERVICE_ACCOUNT_DIR: 'the pod uses the mounted service-account token',
  PUSHGATEWAY_AUTH_FILE: 'not offered yet: the chart mounts no Secret for the Pushgateway, whose credentials go in cronjob.pushgatewayUrl',
};

// Every behaviour setting given a value, so that each can show up in the render.
const ALL_SETTINGS = [
  'confirmTimeout=3m', 'requestTimeout=20s', 'pushConcurrency=4', 'retryInitialDelay=10s', 'retryMaxDelay=20m', 'shutdownTimeout=20s',
  'replicaCount=2', 'leaderElection.enabled=true', 'leaderElection.leaseDuration=20s', 'leaderElection.renewDeadline=12s', 'leaderElection.retryPeriod=3s',
  'kubernetesApi.qps=10', 'kubernetesApi.burst=20',
];
const ALL_TARGET_KEYS = JSON.stringify([
  { kubernetesSecret: { namespace: 'agents', name: 'ecr-pull' }, awsRegion: 'eu-west-1', registryId: '123456789012', roleArn: 'arn:aws:iam::123456789012:role/r' },
  { secretSet: 'ecr-prod', format: 'triplet', pccRegion: 'us-west' },
]);

interface Rendered {
  env: string[];
  keys: string[];
  config: Record<string, unknown>;
}

function render(args: string[]): Rendered {
  const result = spawnSync(findTool('helm'), ['template', 'rel', CHART, '--namespace', 'ecr', ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  expect(result.status, result.stderr).toBe(0);
  const docs = parseAllDocuments(result.stdout).map((d) => d.toJS()).filter(Boolean) as Record<string, any>[];
  const pods = docs.flatMap((d) => (d.kind === 'CronJob' ? [d.spec.jobTemplate.spec.template] : d.kind === 'Deployment' || d.kind === 'Job' ? [d.spec.template] : []));
  const env = pods.flatMap((pod) => pod.spec.containers.flatMap((c: any) => (c.env ?? []).map((e: any) => e.name as string)));
  const config = parse(docs.find((d) => d.kind === 'ConfigMap' && d.data?.['config.yaml'])!.data['config.yaml']) as Record<string, unknown>;
  const keys = Object.entries(config).flatMap(([key, value]) =>
    key === 'targets' ? (value as Record<string, unknown>[]).flatMap((t) => Object.keys(t).map((k) => `targets[].${k}`)) : [key],
  );
  return { env: [...new Set(env)], keys: [...new Set(keys)], config };
}

const renders = [
  ...CI_VALUES.map((file) => ({ name: file, rendered: render(['-f', join(CHART, 'ci', file)]) })),
  { name: 'every setting', rendered: render(['-f', join(CHART, 'ci', 'deployment-values.yaml'), ...ALL_SETTINGS.flatMap((s) => ['--set', s]), '--set-json', `targets=${ALL_TARGET_KEYS}`]) },
];
const renderedEnv = new Set(renders.flatMap((r) => r.rendered.env));
const renderedKeys = new Set(renders.flatMap((r) => r.rendered.keys));
const offeredBy = (entry: SchemaEntry) => [entry.env, ...(entry.aliases ?? [])].some((n) => n && renderedEnv.has(n)) || entry.keys.some((k) => renderedKeys.has(k));

describe('the chart against the settings schema', () => {
  it.each(renders)('renders only env vars and file keys the refresher reads ($name)', ({ rendered }) => {
    for (const name of rendered.env) expect(SCHEMA_ENV_NAMES, name).toContain(name);
    for (const key of rendered.keys) expect(SCHEMA_FILE_KEYS, key).toContain(key);
    // One config path: targets only ever reach the pod through the file.
    for (const name of Object.values(TARGET_ENV)) expect(rendered.env).not.toContain(name);
    expect(rendered.keys.some((key) => key === 'targets[].secretSet' || key === 'targets[].kubernetesSecret')).toBe(true);
  });

  it('renders every setting of the schema, except those it does not offer', () => {
    const missing = SETTING_SCHEMA.filter((e) => !NOT_OFFERED[e.env ?? ''] && !offeredBy(e)).map((e) => e.env ?? e.keys[0]);
    expect(missing).toEqual([]);
  });

  it('renders none of the settings it says it does not offer (update the list when it does)', () => {
    const offered = SETTING_SCHEMA.filter((e) => NOT_OFFERED[e.env ?? ''] && offeredBy(e)).map((e) => e.env);
    expect(offered).toEqual([]);
  });

  it.each(renders)('writes a config file the refresher loads ($name)', ({ rendered }) => {
    const config = loadConfig({
      env: { PCC_API_KEY_FILE: '/var/run/secrets/pipecat/api-key', AWS_REGION: 'us-east-1' },
      configFile: '/etc/ecr-token-refresher/config.yaml',
      readFile: (path) => (path.endsWith('api-key') ? 'pk_chart_test_0123456789\n' : JSON.stringify(rendered.config)),
    });
    expect(config.targets.length).toBe((rendered.config.targets as unknown[]).length);
  });
});
