// Cluster-wide pull Secrets through the whole app, in process: the real AWS
// SDK against the ECR stand-in, the real API server for namespaces, Secrets,
// ServiceAccounts and Events. Each watch reaction is timed from the outside
// with a bound a loaded machine meets; the figures are printed at the end.
// No controller-manager runs: the tests create ServiceAccounts themselves,
// and every test uses namespaces of its own.
import { afterAll, afterEach, beforeEach, describe, expect } from 'vitest';
import type { Config, TargetConfig } from '../../../src/config/config.js';
import { createApp } from '../../../src/create-app.js';
import type { KubeClient } from '../../../src/kubernetes/api/create-kube-client.js';
import { loadKubeConnection } from '../../../src/kubernetes/api/load-kube-connection.js';
import { readSelection } from '../../../src/kubernetes/controller/selection.js';
import type { EcrStandIn } from '../../../stand-ins/ecr-stand-in.js';
import type { MintKey } from '../../../src/ecr/ecr-token.js';
import { makeConfig, makeTarget } from '../../support/make-config.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube/start-kube-api-server.js';
import { inProcessAwsEnv } from '../../support/in-process-aws-env.js';
import { systemTest } from '../../support/system-test.js';
import { waitFor } from '../../support/wait-for.js';
import { clientFor } from '../support/client-for.js';
import { kubectlOk } from '../support/grant.js';
import { registryEntry } from '../support/test-token.js';

const REACTION_BOUND_MS = 10_000;
let ecr: EcrStandIn;
let kube: KubeApiServer;
let admin: KubeClient;
const saved = { ...process.env };
const figures: string[] = [];
const logged: string[] = [];

systemTest.beforeAll(async ({ ecr: ecrStandIn }) => {
  ecr = ecrStandIn;
  Object.assign(process.env, inProcessAwsEnv(ecr.url));
  kube = await startKubeApiServer();
  admin = clientFor(kube);
}, 120_000);
afterAll(async () => {
  process.env = saved;
  if (figures.length) console.info(`watch reactions (from the outside):\n  ${figures.join('\n  ')}`);
  await admin?.close();
  await kube?.stop();
});
beforeEach(() => ecr.reset());
afterEach(() => {
  for (const { password } of ecr.issued) for (const line of logged) expect(line).not.toContain(password);
  logged.length = 0;
});

interface Secret {
  type: string;
  metadata: { resourceVersion: string; labels?: Record<string, string> };
  data?: Record<string, string>;
}
interface ServiceAccount {
  imagePullSecrets?: { name: string }[];
}

function clusterTarget(kubernetesSecret: Record<string, unknown>, registries?: MintKey[]): TargetConfig {
  const read = readSelection(kubernetesSecret, 'targets[0].kubernetesSecret');
  expect(read.problems).toEqual([]);
  return {
    ...makeTarget({ name: `cluster/${read.selection!.name}`, format: 'image-pull-secret', ...registries?.[0] }),
    destination: { kind: 'kubernetes-cluster', selection: read.selection!, ...(registries && { registries }) },
  };
}

function app(targets: TargetConfig[], options: { token?: string; overrides?: Partial<Config> } = {}) {
  const lines: string[] = [];
  const config = makeConfig({ targets, requestTimeoutMs: 5_000, confirmTimeoutMs: 10_000, ...options.overrides });
  const connection = loadKubeConnection({ kubeconfig: kube.writeKubeconfig(`app-${Math.random().toString(36).slice(2)}`, { token: options.token ?? kube.adminToken }) });
  const instance = createApp({ config, version: 'test', kubernetes: { connection }, logDestination: { write: (l: string) => void (lines.push(l), logged.push(l)) } });
  return { instance, lines, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

async function namespace(name: string, labels: Record<string, string> = {}) {
  await admin.send({ verb: 'create', apiVersion: 'v1', plural: 'namespaces', body: { metadata: { name, labels } } });
}

async function serviceAccount(ns: string, name: string, pullSecrets: string[] = []) {
  await admin.send({ verb: 'create', apiVersion: 'v1', plural: 'serviceaccounts', namespace: ns, body: { metadata: { name }, imagePullSecrets: pullSecrets.map((n) => ({ name: n })) } });
}

async function secretIn(ns: string, name = 'ecr-pull'): Promise<Secret | undefined> {
  try {
    return await admin.send<Secret>({ verb: 'get', apiVersion: 'v1', plural: 'secrets', namespace: ns, name });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_KUBE_NOT_FOUND') return undefined;
    throw error;
  }
}

const pullSecretsOf = async (ns: string, name: string) =>
  ((await admin.send<ServiceAccount>({ verb: 'get', apiVersion: 'v1', plural: 'serviceaccounts', namespace: ns, name })).imagePullSecrets ?? []).map((r) => r.name);

/** Waits for `probe` from the moment `act` starts; records and returns the time it took. */
async function timed(what: string, act: () => Promise<unknown>, probe: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  await act();
  await waitFor(async () => (await probe()) || undefined, { what, timeoutMs: REACTION_BOUND_MS, intervalMs: 25 });
  const took = Date.now() - started;
  figures.push(`${what}: ${took} ms`);
  return took;
}

const holdsIssued = async (ns: string, index = 0) => {
  const secret = await secretIn(ns);
  return secret !== undefined && registryEntry(secret).password === ecr.issued[index]?.password;
};

describe('cluster-wide pull Secrets, watch-driven', () => {
  systemTest('serves every matching namespace and ServiceAccount, new ones within seconds, without minting again', async () => {
    await namespace('w-agents');
    await serviceAccount('w-agents', 'default', ['registry-a', 'registry-b']);
    await serviceAccount('w-agents', 'builder');
    await namespace('w-team-a');
    await serviceAccount('w-team-a', 'agent-1');
    await namespace('w-other');
    const { instance } = app([clusterTarget({ name: 'ecr-pull', namespaces: ['w-agents', 'w-team-*'], serviceAccounts: ['default', 'agent-*'] })]);
    try {
      await instance.startDaemon();
      await waitFor(async () => (await holdsIssued('w-agents')) && (await holdsIssued('w-team-a')) || undefined, { what: 'the first cycle', timeoutMs: 20_000 });
      expect(await secretIn('w-other')).toBeUndefined();
      // Others' entries kept, in order, ours once at the end; a ServiceAccount not named is left alone.
      await waitFor(async () => (await pullSecretsOf('w-agents', 'default')).includes('ecr-pull') || undefined, { what: 'default patched', timeoutMs: 10_000 });
      expect(await pullSecretsOf('w-agents', 'default')).toEqual(['registry-a', 'registry-b', 'ecr-pull']);
      expect(await pullSecretsOf('w-agents', 'builder')).toEqual([]);
      expect(await pullSecretsOf('w-team-a', 'agent-1')).toEqual(['ecr-pull']);
      expect(ecr.issued).toHaveLength(1);

      await timed('new namespace → Secret + ServiceAccount', async () => {
        await namespace('w-team-b');
        await serviceAccount('w-team-b', 'default', ['theirs']);
      }, async () => (await holdsIssued('w-team-b')) && (await pullSecretsOf('w-team-b', 'default')).join() === 'theirs,ecr-pull');

      await timed('deleted Secret restored', () => admin.send({ verb: 'delete', apiVersion: 'v1', plural: 'secrets', namespace: 'w-team-a', name: 'ecr-pull' }), () => holdsIssued('w-team-a'));

      const host = Object.keys(JSON.parse(Buffer.from((await secretIn('w-agents'))!.data!['.dockerconfigjson']!, 'base64').toString()).auths as object)[0]!;
      const altered = Buffer.from(JSON.stringify({ auths: { [host]: { username: 'AWS', password: 'broken', auth: 'YnJva2Vu' } } })).toString('base64');
      await timed('altered Secret restored', () => kubectlOk(kube, ['patch', 'secret', '-n', 'w-agents', 'ecr-pull', '--type=merge', '-p', JSON.stringify({ data: { '.dockerconfigjson': altered } })]), () => holdsIssued('w-agents'));

      await timed('new ServiceAccount patched', () => serviceAccount('w-team-a', 'agent-2', ['first']), async () => (await pullSecretsOf('w-team-a', 'agent-2')).join() === 'first,ecr-pull');

      // Patching is idempotent: nothing to do once every entry is there, however often the watches fire.
      await kubectlOk(kube, ['label', 'serviceaccount', '-n', 'w-agents', 'default', 'touched=yes']);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await pullSecretsOf('w-agents', 'default')).toEqual(['registry-a', 'registry-b', 'ecr-pull']);

      expect(ecr.issued).toHaveLength(1);
      const metrics = await instance.metrics.registry.metrics();
      expect(metrics).toMatch(/ecr_token_refresher_kubernetes_namespaces_selected\{secret_set="cluster\/ecr-pull"\} 3/);
      expect(metrics).toMatch(/ecr_token_refresher_kubernetes_namespaces_in_sync\{secret_set="cluster\/ecr-pull"\} 3/);
      expect(metrics).toMatch(/ecr_token_refresher_kubernetes_drift_repairs_total\{secret_set="cluster\/ecr-pull"\} 2/);
    } finally {
      await instance.stop();
    }
  }, 90_000);

  systemTest('a namespace relabelled in gets the Secret, relabelled out loses it and our ServiceAccount entry', async () => {
    await namespace('r-one', { 'pipecat.ai/agents': 'true' });
    await serviceAccount('r-one', 'default', ['theirs']);
    await namespace('r-two');
    await serviceAccount('r-two', 'default', ['theirs']);
    const { instance } = app([clusterTarget({ name: 'ecr-pull', namespaces: ['r-*'], namespaceSelector: 'pipecat.ai/agents=true', serviceAccounts: ['default'] })]);
    try {
      await instance.startDaemon();
      await waitFor(async () => (await holdsIssued('r-one')) || undefined, { what: 'the first cycle', timeoutMs: 20_000 });
      expect(await secretIn('r-two')).toBeUndefined();

      await timed('namespace relabelled in → Secret + ServiceAccount', () => kubectlOk(kube, ['label', 'namespace', 'r-two', 'pipecat.ai/agents=true']),
        async () => (await holdsIssued('r-two')) && (await pullSecretsOf('r-two', 'default')).join() === 'theirs,ecr-pull');

      await timed('namespace relabelled out → pruned', () => kubectlOk(kube, ['label', 'namespace', 'r-one', 'pipecat.ai/agents-']),
        async () => (await secretIn('r-one')) === undefined && (await pullSecretsOf('r-one', 'default')).join() === 'theirs');
      expect(ecr.issued).toHaveLength(1);
    } finally {
      await instance.stop();
    }
  }, 60_000);

  systemTest('a foreign Secret is refused with an Event in its namespace; the other namespaces are served', async () => {
    await namespace('f-mine');
    await namespace('f-theirs');
    await kubectlOk(kube, ['create', 'secret', 'generic', 'ecr-pull', '-n', 'f-theirs', '--from-literal=key=value']);
    const { instance } = app([clusterTarget({ name: 'ecr-pull', namespaces: ['f-*'] })]);
    try {
      const [outcome] = await instance.runOnce();
      expect(outcome).toMatchObject({ ok: false });
      expect(await holdsIssued('f-mine')).toBe(true);
      const theirs = await secretIn('f-theirs');
      expect(theirs?.type).toBe('Opaque');
      const events = await waitFor(async () => {
        const list = await admin.send<{ items: { reason: string; message: string; type: string; involvedObject: { name: string } }[] }>({ verb: 'list', apiVersion: 'v1', plural: 'events', namespace: 'f-theirs' });
        return list.items.length > 0 ? list.items : undefined;
      }, { what: 'an Event in f-theirs', timeoutMs: 10_000 });
      expect(events[0]).toMatchObject({ type: 'Warning', reason: 'PullSecretRefused', involvedObject: { name: 'ecr-pull' } });
      expect(events[0]!.message).toContain('point the target at another name');
    } finally {
      await instance.stop();
    }
  }, 60_000);

  systemTest('a Helm-managed Secret opted in to merging is merged into, counted in sync, repaired within seconds and never pruned', async () => {
    const dockerHub = '{"auths":{"index.docker.io":{"auth":"aHViOmh1Yg=="}},"credsStore":"none"}';
    const helmLabels = { 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/instance': 'agents' };
    /** The Secret as the Helm release renders it: its labels, Docker Hub's entry, a key of its own. */
    const rendered = (ns: string, allowMerge: boolean) => ({
      metadata: {
        name: 'ecr-pull',
        labels: helmLabels,
        annotations: { 'meta.helm.sh/release-name': 'agents', ...(allowMerge && { 'ecr-token-refresher.pipecat.ai/allow-merge': 'true' }) },
      },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from(dockerHub).toString('base64'), 'release-notes': Buffer.from('kept').toString('base64') },
    });
    for (const ns of ['h-merged', 'h-ours', 'h-refused']) await namespace(ns, { tier: 'h' });
    await serviceAccount('h-merged', 'default');
    await admin.send({ verb: 'create', apiVersion: 'v1', plural: 'secrets', namespace: 'h-merged', body: rendered('h-merged', true) });
    await admin.send({ verb: 'create', apiVersion: 'v1', plural: 'secrets', namespace: 'h-refused', body: rendered('h-refused', false) });
    const refusedVersion = (await secretIn('h-refused'))!.metadata.resourceVersion;
    const { instance } = app([clusterTarget({ name: 'ecr-pull', namespaces: ['h-*'], namespaceSelector: 'tier=h', serviceAccounts: ['default'], prune: true })]);
    const host = () => ecr.issued[0]!.proxyEndpoint.replace(/^https:\/\//, '');
    const holdsOurs = async () => {
      const secret = await secretIn('h-merged');
      try {
        return registryEntry(secret!, host()).password === ecr.issued[0]!.password;
      } catch {
        return false;
      }
    };
    const theirsKept = async () => {
      const secret = (await secretIn('h-merged'))!;
      const document = JSON.parse(Buffer.from(secret.data!['.dockerconfigjson']!, 'base64').toString()) as { auths: Record<string, unknown>; credsStore: string };
      expect(document.auths['index.docker.io']).toEqual({ auth: 'aHViOmh1Yg==' });
      expect(document.credsStore).toBe('none');
      expect(Buffer.from(secret.data!['release-notes']!, 'base64').toString()).toBe('kept');
      expect(secret.metadata.labels).toEqual(helmLabels);
    };
    const gauge = async (name: string) => Number(new RegExp(`ecr_token_refresher_kubernetes_namespaces_${name}\\{secret_set="cluster/ecr-pull"\\} (\\d+)`).exec(await instance.metrics.registry.metrics())?.[1]);
    try {
      await instance.startDaemon();
      await waitFor(async () => (await holdsOurs()) && (await holdsIssued('h-ours')) || undefined, { what: 'the first cycle', timeoutMs: 20_000 });
      await theirsKept();
      // The merged Secret counts as in sync; the one Helm keeps without the opt-in is what a person must fix.
      await waitFor(async () => (await gauge('in_sync')) === 2 || undefined, { what: 'two namespaces in sync', timeoutMs: 10_000 });
      expect(await gauge('selected')).toBe(3);
      expect(await gauge('out_of_sync')).toBe(1);
      expect((await secretIn('h-refused'))!.metadata.resourceVersion).toBe(refusedVersion);

      // Helm's next upgrade renders the Secret again, without our entry.
      const current = (await secretIn('h-merged'))!;
      await timed('merged Secret rewritten by its owner → our entry merged back', () =>
        admin.send({ verb: 'update', apiVersion: 'v1', plural: 'secrets', namespace: 'h-merged', name: 'ecr-pull', body: { ...rendered('h-merged', true), metadata: { ...rendered('h-merged', true).metadata, resourceVersion: current.metadata.resourceVersion } } }),
      holdsOurs);
      await theirsKept();
      await waitFor(async () => (await gauge('in_sync')) === 2 || undefined, { what: 'in sync again', timeoutMs: 10_000 });
      expect(ecr.issued).toHaveLength(1);

      // Unmatched, with prune: our ServiceAccount entry goes, the Secret Helm manages stays exactly as it is.
      const before = (await secretIn('h-merged'))!.metadata.resourceVersion;
      await kubectlOk(kube, ['label', 'namespace', 'h-merged', 'tier-']);
      await waitFor(async () => (await pullSecretsOf('h-merged', 'default')).length === 0 || undefined, { what: 'our ServiceAccount entry removed', timeoutMs: REACTION_BOUND_MS });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect((await secretIn('h-merged'))?.metadata.resourceVersion).toBe(before);
      expect(await holdsOurs()).toBe(true);
      await theirsKept();
      expect(await gauge('selected')).toBe(2);
      expect(ecr.issued).toHaveLength(1);
      // The refusal was told once in its namespace, however often it was tried again meanwhile.
      const events = await admin.send<{ items: { reason: string; involvedObject: { name: string } }[] }>({ verb: 'list', apiVersion: 'v1', plural: 'events', namespace: 'h-refused' });
      expect(events.items.map((e) => `${e.reason} ${e.involvedObject.name}`)).toEqual(['PullSecretRefused ecr-pull']);
      expect((await secretIn('h-refused'))!.metadata.resourceVersion).toBe(refusedVersion);
    } finally {
      await instance.stop();
    }
  }, 90_000);

  systemTest('two registries (two regions, two accounts) in one Secret per namespace, with two ECR calls however many namespaces', async () => {
    for (const name of ['m-a', 'm-b', 'm-c', 'm-d']) await namespace(name);
    const registries = [
      { awsRegion: 'us-east-1', registryId: '111111111111' },
      { awsRegion: 'eu-west-1', registryId: '222222222222' },
    ];
    const { instance } = app([
      clusterTarget({ name: 'ecr-pull', namespaces: ['m-*'] }, registries),
      // A second target listing the same registries shares the same two calls.
      clusterTarget({ name: 'ecr-pull-2', namespaces: ['m-a'] }, registries),
    ]);
    try {
      expect(await instance.runOnce()).toMatchObject([{ ok: true }, { ok: true }]);
    } finally {
      await instance.stop();
    }
    expect(ecr.calls.map((c) => c.registryIds.join())).toEqual(expect.arrayContaining(['111111111111', '222222222222']));
    expect(ecr.calls).toHaveLength(2);
    const byRegistry = new Map(ecr.issued.map((t) => [t.registryId, t]));
    for (const ns of ['m-a', 'm-b', 'm-c', 'm-d']) {
      const secret = (await secretIn(ns))!;
      expect(registryEntry(secret, '111111111111.dkr.ecr.us-east-1.amazonaws.com').password).toBe(byRegistry.get('111111111111')!.password);
      expect(registryEntry(secret, '222222222222.dkr.ecr.eu-west-1.amazonaws.com').password).toBe(byRegistry.get('222222222222')!.password);
    }
    expect(registryEntry((await secretIn('m-a', 'ecr-pull-2'))!, '222222222222.dkr.ecr.eu-west-1.amazonaws.com').password).toBe(byRegistry.get('222222222222')!.password);
  }, 60_000);

  systemTest('--dry-run lists per namespace what a run would create, update, patch and prune, and the RBAC it needs, writing nothing', async () => {
    await namespace('d-new', { tier: 'd' });
    await serviceAccount('d-new', 'default', ['theirs']);
    await namespace('d-gone');
    await serviceAccount('d-gone', 'default', ['ecr-pull']);
    const target = clusterTarget({ name: 'ecr-pull', namespaces: ['d-*'], namespaceSelector: 'tier=d', serviceAccounts: ['default'] });
    // A Secret this target made in a namespace that no longer matches.
    const seeding = app([target]);
    await kubectlOk(kube, ['label', 'namespace', 'd-gone', 'tier=d']);
    expect(await seeding.instance.runOnce()).toMatchObject([{ ok: true }]);
    await seeding.instance.stop();
    await kubectlOk(kube, ['label', 'namespace', 'd-gone', 'tier-']);
    await admin.send({ verb: 'delete', apiVersion: 'v1', plural: 'secrets', namespace: 'd-new', name: 'ecr-pull' });
    const before = (await secretIn('d-gone'))!.metadata.resourceVersion;

    const { instance } = app([target]);
    const report = await instance.dryRun();
    await instance.stop();
    expect(report.problems).toEqual([]);
    const [request] = report.requests;
    expect(request!.body).toMatchObject({
      namespaces: [
        { namespace: 'd-gone', writes: ['prune Secret', 'remove from ServiceAccount default'] },
        { namespace: 'd-new', writes: ['create Secret'] },
      ],
      rbac: { kind: 'ClusterRole', rules: expect.arrayContaining([{ apiGroups: [''], resources: ['namespaces'], verbs: ['list', 'watch'] }]) },
    });
    // Nothing written.
    expect(await secretIn('d-new')).toBeUndefined();
    expect((await secretIn('d-gone'))!.metadata.resourceVersion).toBe(before);
  }, 60_000);

  systemTest('--once lists instead of watching: same selection, writes, patches and pruning', async () => {
    await namespace('o-a', { tier: 'x' });
    await serviceAccount('o-a', 'default');
    await namespace('o-b', { tier: 'x' });
    const target = clusterTarget({ name: 'ecr-pull', namespaces: ['o-*'], namespaceSelector: 'tier=x', serviceAccounts: ['default'] });
    const first = app([target]);
    expect(await first.instance.runOnce()).toMatchObject([{ ok: true }]);
    await first.instance.stop();
    expect(await holdsIssued('o-a')).toBe(true);
    expect(await holdsIssued('o-b')).toBe(true);
    expect(await pullSecretsOf('o-a', 'default')).toEqual(['ecr-pull']);

    await kubectlOk(kube, ['label', 'namespace', 'o-a', 'tier-']);
    const second = app([target]);
    expect(await second.instance.runOnce()).toMatchObject([{ ok: true }]);
    await second.instance.stop();
    expect(await secretIn('o-a')).toBeUndefined();
    expect(await pullSecretsOf('o-a', 'default')).toEqual([]);
    expect(await holdsIssued('o-b', 1)).toBe(true);
  }, 60_000);
});
