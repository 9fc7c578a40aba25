// The Kubernetes keys: pull-Secret targets, leader election and the API
// server connection, validated with field + fix like every other setting.
import { describe, expect, it } from 'vitest';
import type { ConfigProblem } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';
import { configProblems } from './support/config-problems.js';

const API_KEY = 'pk_live_3f9a0c1d2e4b5a6978';
const KUBE_ENV = { KUBERNETES_SECRET: 'agents/ecr-pull', AWS_REGION: 'us-east-1' };

function load(env: Record<string, string>, file?: string, once = false) {
  return loadConfig({
    env,
    once,
    ...(file !== undefined && { configFile: 'c.yaml' }),
    readFile: () => {
      if (file === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return file;
    },
  });
}

function problems(env: Record<string, string>, file?: string, once = false): ConfigProblem[] {
  return configProblems(() => load(env, file, once));
}

describe('kubernetesSecret targets', () => {
  it('reads KUBERNETES_SECRET as one pull-Secret target, without an API key', () => {
    const config = load(KUBE_ENV);
    expect(config.targets).toEqual([
      { destination: { kind: 'kubernetes', namespace: 'agents', name: 'ecr-pull' }, name: 'agents/ecr-pull', format: 'image-pull-secret', awsRegion: 'us-east-1' },
    ]);
    expect(config).not.toHaveProperty('apiKey');
  });

  it('reads many namespaces from the file next to a Pipecat set, and then needs the key', () => {
    const file = 'awsRegion: us-east-1\ntargets:\n  - kubernetesSecret: { namespace: agents, name: ecr-pull }\n  - kubernetesSecret: { namespace: tools, name: ecr-pull }\n  - secretSet: ecr-prod\n';
    const config = load({ PCC_API_KEY: API_KEY }, file);
    expect(config.targets.map((t) => t.destination)).toEqual([
      { kind: 'kubernetes', namespace: 'agents', name: 'ecr-pull' },
      { kind: 'kubernetes', namespace: 'tools', name: 'ecr-pull' },
      { kind: 'pipecat', secretSet: 'ecr-prod' },
    ]);
    expect(problems({}, file)).toEqual([{ field: 'PCC_API_KEY', message: expect.stringMatching(/^no API key: set PCC_API_KEY/) }]);
  });

  it('still checks a key that is given though no target needs it', () => {
    expect(problems({ ...KUBE_ENV, PCC_API_KEY: 'two words' })).toEqual([{ field: 'PCC_API_KEY', message: expect.stringContaining('whitespace') }]);
  });

  it('refuses a target with both destinations, naming both keys', () => {
    const found = problems({}, 'awsRegion: us-east-1\ntargets:\n  - secretSet: ecr-prod\n    kubernetesSecret: { namespace: agents, name: ecr-pull }\n');
    expect(found).toContainEqual({
      field: 'targets[0].kubernetesSecret',
      message: 'a target has one destination: keep either targets[0].secretSet or targets[0].kubernetesSecret, and make a second target for the other',
    });
  });

  it('refuses both single-target env vars at once', () => {
    expect(problems({ ...KUBE_ENV, PCC_SECRET_SET: 'ecr-prod', PCC_API_KEY: API_KEY }).map((p) => p.field)).toEqual(['KUBERNETES_SECRET']);
  });

  it.each(['format', 'pccRegion'])('refuses %s on a kubernetesSecret target, with the fix', (key) => {
    const file = `awsRegion: us-east-1\ntargets:\n  - kubernetesSecret: { namespace: agents, name: ecr-pull }\n    ${key}: triplet\n`;
    expect(problems({}, file)).toEqual([
      { field: `targets[0].${key}`, message: expect.stringMatching(/^applies only to a Pipecat Cloud secret set: remove it from this kubernetesSecret target/) },
    ]);
  });

  it('refuses PCC_SECRET_FORMAT next to KUBERNETES_SECRET', () => {
    expect(problems({ ...KUBE_ENV, PCC_SECRET_FORMAT: 'triplet' }).map((p) => p.field)).toEqual(['PCC_SECRET_FORMAT']);
  });

  it.each([
    ['Agents/ecr-pull', /^namespace "Agents" is not a valid DNS-1123 label: use lowercase letters/],
    ['agents/ecr_pull', /^name "ecr_pull" is not a valid DNS-1123 subdomain: use lowercase letters, digits, '-' and '\.'/],
    [`${'a'.repeat(64)}/ecr-pull`, /is not a valid DNS-1123 label: .*at most 63 characters/],
    ['ecr-pull', /^needs a namespace and a name: write `kubernetesSecret: \{ namespace: agents, name: ecr-pull \}` \(KUBERNETES_SECRET=agents\/ecr-pull\)/],
    ['a/b/c', /^needs a namespace and a name/],
  ])('refuses KUBERNETES_SECRET=%s', (value, message) => {
    const found = problems({ ...KUBE_ENV, KUBERNETES_SECRET: value });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ field: 'KUBERNETES_SECRET' });
    expect(found[0]!.message).toMatch(message);
  });

  it('refuses a mapping without a name, and suggests a mistyped key', () => {
    const found = problems({}, 'awsRegion: us-east-1\ntargets:\n  - kubernetesSecret: { namespace: agents, nmae: ecr-pull }\n');
    expect(found).toContainEqual({ field: 'targets[0].kubernetesSecret.nmae', message: 'unknown key: did you mean `name`?' });
    expect(found).toContainEqual({ field: 'targets[0].kubernetesSecret', message: expect.stringMatching(/^needs a namespace and a name/) });
  });

  it('refuses the same Secret twice, naming both targets', () => {
    const file = 'awsRegion: us-east-1\ntargets:\n  - kubernetesSecret: { namespace: agents, name: ecr-pull }\n  - kubernetesSecret: { namespace: agents, name: ecr-pull }\n';
    expect(problems({}, file)).toEqual([
      { field: 'targets[1].kubernetesSecret', message: '"agents/ecr-pull" is also used by targets[0]: give each target its own Secret' },
    ]);
  });

  it('asks for one of the two destinations when neither is set', () => {
    expect(problems({ AWS_REGION: 'us-east-1', PCC_API_KEY: API_KEY })).toEqual([
      { field: 'PCC_SECRET_SET', message: expect.stringContaining('or KUBERNETES_SECRET=<namespace>/<name> for a pull Secret') },
    ]);
  });
});

describe('leader election and the API server connection', () => {
  it('is off by default, with the documented timings and an in-cluster connection', () => {
    const config = load(KUBE_ENV);
    expect(config.leaderElection).toEqual({ enabled: false, leaseName: 'ecr-token-refresher', leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 });
    expect(config.kubernetes).toEqual({ serviceAccountDir: '/var/run/secrets/kubernetes.io/serviceaccount', qps: 20, burst: 40 });
  });

  it('reads every env var, the pod name as identity and the pod namespace as default namespace', () => {
    const config = load({
      ...KUBE_ENV,
      LEADER_ELECTION: 'TRUE',
      LEADER_ELECTION_LEASE_NAME: 'refresher.lock',
      LEADER_ELECTION_LEASE_DURATION: '30s',
      LEADER_ELECTION_RENEW_DEADLINE: '20s',
      LEADER_ELECTION_RETRY_PERIOD: '4s',
      POD_NAME: 'refresher-7d9c-x2x4q',
      POD_NAMESPACE: 'ecr',
      KUBECONFIG: '/home/op/.kube/config',
      KUBERNETES_SERVICE_ACCOUNT_DIR: '/tmp/sa',
      KUBERNETES_QPS: '5',
      KUBERNETES_BURST: '10',
    });
    expect(config.leaderElection).toEqual({
      enabled: true,
      namespace: 'ecr',
      leaseName: 'refresher.lock',
      leaseDurationMs: 30_000,
      renewDeadlineMs: 20_000,
      retryPeriodMs: 4_000,
      identity: 'refresher-7d9c-x2x4q',
    });
    expect(config.kubernetes).toEqual({ kubeconfig: '/home/op/.kube/config', serviceAccountDir: '/tmp/sa', qps: 5, burst: 10 });
  });

  it('reads the file section, where LEADER_ELECTION_NAMESPACE and the file namespace win over POD_NAMESPACE', () => {
    const file = 'leaderElection:\n  enabled: true\n  namespace: locks\n  leaseDuration: 20s\n';
    expect(load({ ...KUBE_ENV, POD_NAMESPACE: 'ecr' }, file).leaderElection).toMatchObject({ enabled: true, namespace: 'locks', leaseDurationMs: 20_000 });
    expect(load({ ...KUBE_ENV, POD_NAMESPACE: 'ecr', LEADER_ELECTION_NAMESPACE: 'env-ns' }, file).leaderElection.namespace).toBe('env-ns');
  });

  it('leaves the namespace unset without POD_NAMESPACE (the service account file decides at run time)', () => {
    expect(load({ ...KUBE_ENV, LEADER_ELECTION: 'true' }).leaderElection).not.toHaveProperty('namespace');
  });

  it.each([
    [{ LEADER_ELECTION_RENEW_DEADLINE: '15s' }, 'LEADER_ELECTION_RENEW_DEADLINE', /^the renew deadline must be shorter than the lease duration/],
    [{ LEADER_ELECTION_LEASE_DURATION: '5s' }, 'LEADER_ELECTION_LEASE_DURATION', /^the renew deadline must be shorter than the lease duration/],
    [{ LEADER_ELECTION_RETRY_PERIOD: '10s' }, 'LEADER_ELECTION_RETRY_PERIOD', /^the retry period must be shorter than the renew deadline/],
    [{ LEADER_ELECTION: 'yes' }, 'LEADER_ELECTION', /^"yes" is not a boolean: use true or false$/],
    [{ LEADER_ELECTION_NAMESPACE: 'Locks' }, 'LEADER_ELECTION_NAMESPACE', /^"Locks" is not a valid DNS-1123 label/],
    [{ LEADER_ELECTION_LEASE_NAME: 'lock_1' }, 'LEADER_ELECTION_LEASE_NAME', /^"lock_1" is not a valid DNS-1123 subdomain/],
    [{ LEADER_ELECTION_RETRY_PERIOD: '0s' }, 'LEADER_ELECTION_RETRY_PERIOD', /must be longer than 0/],
  ])('refuses %j, naming %s', (extra, field, message) => {
    const found = problems({ ...KUBE_ENV, ...extra });
    expect(found).toHaveLength(1);
    expect(found[0]!.field).toBe(field);
    expect(found[0]!.message).toMatch(message);
  });

  it('refuses leader election with --once, naming the fix, and allows it without', () => {
    expect(problems({ ...KUBE_ENV, LEADER_ELECTION: 'true' }, undefined, true)).toEqual([
      { field: 'LEADER_ELECTION', message: expect.stringMatching(/^leader election is for the daemon: unset it for --once runs/) },
    ]);
    expect(load({ ...KUBE_ENV, LEADER_ELECTION: 'false' }, undefined, true).leaderElection.enabled).toBe(false);
    expect(problems({}, 'leaderElection: { enabled: true }\n', true)).toContainEqual({ field: 'leaderElection.enabled', message: expect.stringContaining('--once') });
  });

  it('refuses an unknown key in the leaderElection section, and a section that is not a mapping', () => {
    expect(problems(KUBE_ENV, 'leaderElection:\n  leaseNmae: x\n')).toEqual([{ field: 'leaderElection.leaseNmae', message: 'unknown key: did you mean `leaseName`?' }]);
    expect(problems(KUBE_ENV, 'leaderElection: true\n')).toEqual([{ field: 'leaderElection', message: expect.stringContaining('must be a mapping') }]);
  });

  it('treats blank Kubernetes env vars as unset', () => {
    const config = load({ ...KUBE_ENV, KUBECONFIG: ' ', LEADER_ELECTION: '', POD_NAMESPACE: '' });
    expect(config.kubernetes).not.toHaveProperty('kubeconfig');
    expect(config.leaderElection.enabled).toBe(false);
  });
});
