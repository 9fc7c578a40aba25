// No Kubernetes-side secret leaves the process except in the Secret written.
// In process, against the ECR stand-in and a real API server: one-shot runs
// (a Secret shared with Docker Hub, a Secret another tool manages, a
// Forbidden service-account identity), a dry run and a leader-elected daemon
// with /metrics and /readyz scraped. Every log line, every error a run
// returned and the metrics text are searched for: the bearer tokens used (a
// kubeconfig token and a service-account token), each issued ECR password and
// authorizationToken, each `.dockerconfigjson` value as stored in the Secret
// (base64), the base64 of our registry entry, and any base64 run that decodes
// to a password. Then each of those forms is handed to the logger on purpose:
// the scrubber must know every one of them.
import { inspect } from 'node:util';
import { afterAll, describe, expect } from 'vitest';
import type { Config, TargetConfig } from '../../src/config/config.js';
import { createApp, type App } from '../../src/create-app.js';
import { loadKubeConnection } from '../../src/kubernetes/api/load-kube-connection.js';
import type { EcrStandIn, IssuedEcrToken } from '../../stand-ins/ecr-stand-in.js';
import { findSecretLeaks, type KnownSecret } from '../support/find-secret-leaks.js';
import { inProcessAwsEnv } from '../support/in-process-aws-env.js';
import { startKubeApiServer, type KubeApiServer } from '../support/kube/start-kube-api-server.js';
import { makeConfig, makeTarget } from '../support/make-config.js';
import { systemTest } from '../support/system-test.js';
import { waitFor } from '../support/wait-for.js';
import { createNamespace, getJson, kubectlOk, serviceAccountWith } from '../kubernetes/support/grant.js';

const NS = 'agents';
let ecr: EcrStandIn;
let kube: KubeApiServer;
let serviceAccountToken: string;
const saved = { ...process.env };
/** Every log line, returned error and metrics text of the file, by where it came from. */
const captured: { source: string; text: string }[] = [];
const issued: IssuedEcrToken[] = [];

systemTest.beforeAll(async ({ ecr: ecrStandIn }) => {
  ecr = ecrStandIn;
  Object.assign(process.env, inProcessAwsEnv(ecr.url));
  kube = await startKubeApiServer();
  await createNamespace(kube, NS);
  serviceAccountToken = await serviceAccountWith(kube, NS, 'refresher', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]);
  const dockerHub = { auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('team:hub-password-0123456789').toString('base64') } } };
  for (const [name, labels] of [['shared', {}], ['helm-owned', { 'app.kubernetes.io/managed-by': 'Helm' }]] as const) {
    await kubectlOk(kube, ['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: NS, labels }, type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from(JSON.stringify(dockerHub)).toString('base64') },
    }));
  }
}, 120_000);
afterAll(async () => {
  process.env = saved;
  await kube?.stop();
});

const secretTarget = (name: string): TargetConfig => ({
  ...makeTarget({ name: `${NS}/${name}`, format: 'image-pull-secret' }),
  destination: { kind: 'kubernetes', namespace: NS, name },
});

function app(targets: TargetConfig[], token: string, overrides: Partial<Config> = {}, leaseNamespace?: string) {
  const lines: string[] = [];
  const config = makeConfig({ targets, requestTimeoutMs: 3_000, confirmTimeoutMs: 5_000, ...overrides });
  const connection = loadKubeConnection({ kubeconfig: kube.writeKubeconfig(`hygiene-${Math.random().toString(36).slice(2)}`, { token }) });
  const instance = createApp({ config, version: 'test', kubernetes: { connection, leaseNamespace }, logDestination: { write: (l: string) => void lines.push(l) } });
  return { instance, lines };
}

/** The `.dockerconfigjson` values the Secrets hold now, as stored (base64). */
async function storedValues(): Promise<string[]> {
  const list = await getJson<{ items: { data?: Record<string, string> }[] }>(kube, ['secrets', '-n', NS]);
  return list.items.map((item) => item.data?.['.dockerconfigjson']).filter((value): value is string => value !== undefined);
}

async function knownSecrets(): Promise<KnownSecret[]> {
  const tokens = [...issued, ...ecr.issued];
  return [
    { label: 'the kubeconfig bearer token', value: kube.adminToken },
    { label: 'the service-account token', value: serviceAccountToken },
    ...tokens.flatMap((t, i) => {
      const entry = JSON.stringify({ username: 'AWS', password: t.password, auth: t.authorizationToken });
      return [
        { label: `password of token #${i + 1}`, value: t.password },
        { label: `authorizationToken of token #${i + 1}`, value: t.authorizationToken },
        { label: `base64 of the registry entry of token #${i + 1}`, value: Buffer.from(entry).toString('base64') },
      ];
    }),
    ...(await storedValues()).map((value, i) => ({ label: `stored .dockerconfigjson #${i + 1}`, value })),
  ];
}

/** Base64 runs in `text` that decode, at any alignment, to something holding a password. */
function decodedPasswords(text: string): string[] {
  const passwords = [...issued, ...ecr.issued].map((t) => t.password);
  const found: string[] = [];
  for (const run of text.match(/[A-Za-z0-9+/]{16,}/g) ?? []) {
    for (let offset = 0; offset < 4; offset++) {
      const decoded = Buffer.from(run.slice(offset), 'base64').toString('latin1');
      for (const password of passwords) if (decoded.includes(password)) found.push(`a base64 run decoding to a password (offset ${offset})`);
    }
  }
  return found;
}

async function scan(source: string, text: string) {
  captured.push({ source, text });
  expect([...findSecretLeaks(text, await knownSecrets()), ...decodedPasswords(text)], `secrets found in ${source}`).toEqual([]);
}

async function scanApp(name: string, made: { instance: App; lines: string[] }, outcomes: unknown[] = []) {
  await scan(`${name}: log`, made.lines.join(''));
  await scan(`${name}: metrics`, await made.instance.metrics.registry.metrics());
  for (const [i, outcome] of outcomes.entries()) {
    const error = (outcome as { error?: Error }).error;
    if (error) await scan(`${name}: error #${i + 1}`, `${error.message}\n${inspect(error, { depth: 6 })}`);
  }
}

describe('no Kubernetes secret in any output', () => {
  systemTest('one-shot runs: a Secret shared with Docker Hub, one managed by Helm, a Forbidden identity', async () => {
    const run = app([secretTarget('shared'), secretTarget('helm-owned'), secretTarget('created')], kube.adminToken);
    const outcomes = await run.instance.runOnce();
    expect(outcomes.map((o) => [o.name, o.ok])).toEqual([['agents/shared', true], ['agents/helm-owned', false], ['agents/created', true]]);
    await scanApp('once', run, outcomes);
    await run.instance.stop();

    const forbidden = app([secretTarget('shared')], serviceAccountToken);
    const refused = await forbidden.instance.runOnce();
    expect(refused).toMatchObject([{ ok: false, error: { reason: 'access_denied' } }]);
    await scanApp('forbidden', forbidden, refused);
    await forbidden.instance.stop();
  });

  systemTest('a dry run', async () => {
    const dry = app([secretTarget('shared'), secretTarget('helm-owned')], kube.adminToken);
    const report = await dry.instance.dryRun();
    expect(report.problems.map((p) => p.code)).toEqual(['ERR_KUBE_FOREIGN_MANAGER']);
    await scan('dry run: report', JSON.stringify(report));
    await scanApp('dry run', dry);
    await dry.instance.stop();
  });

  systemTest('a leader-elected daemon: its log, /metrics and /readyz', async () => {
    const daemon = app([secretTarget('shared')], kube.adminToken, {
      schedule: '0 0 1 1 *',
      leaderElection: { enabled: true, leaseName: 'hygiene', identity: 'pod-a', leaseDurationMs: 4000, renewDeadlineMs: 2000, retryPeriodMs: 500 },
    }, NS);
    const listening = await daemon.instance.startDaemon();
    await waitFor(() => daemon.lines.some((l) => l.includes('secret set refreshed and ready')), { what: 'the first refresh', timeoutMs: 15_000 });
    for (const path of ['/metrics', '/readyz', '/healthz']) await scan(`daemon ${path}`, await (await fetch(`${listening.url}${path}`)).text());
    await daemon.instance.stop();
    await scanApp('daemon', daemon);
  });

  systemTest('every form is known to the scrubber: handed to the logger, none of them comes out', async () => {
    const run = app([secretTarget('shared')], kube.adminToken);
    expect(await run.instance.runOnce()).toMatchObject([{ ok: true }]);
    const stored = (await getJson<{ data: Record<string, string> }>(kube, ['secret', '-n', NS, 'shared'])).data['.dockerconfigjson']!;
    const token = ecr.issued.at(-1)!;
    const entry = JSON.stringify({ username: 'AWS', password: token.password, auth: token.authorizationToken });
    const forms = { bearer: kube.adminToken, stored, entry: Buffer.from(entry).toString('base64'), password: token.password, auth: token.authorizationToken };
    run.lines.length = 0;
    run.instance.logger.info({ forms }, 'every form, on purpose');
    // A piece of the stored value, as a length limit would cut it: the exact value no longer matches, but
    // the token inside it must still not be recoverable (what else the piece holds is not ours to know).
    run.instance.logger.info({ piece: stored.slice(5, -5) }, 'a piece, on purpose');
    const [whole, piece] = run.lines;
    expect(whole).toContain('every form, on purpose');
    expect(whole).not.toContain(kube.adminToken);
    await scan('planted forms', whole!);
    expect(piece).toContain('a piece, on purpose');
    const tokenForms = (await knownSecrets()).filter((known) => !known.label.startsWith('stored'));
    expect([...findSecretLeaks(piece!, tokenForms), ...decodedPasswords(piece!)]).toEqual([]);
    await run.instance.stop();
  });

  systemTest('across every scenario: tokens were issued and nothing captured holds a secret', async () => {
    issued.push(...ecr.issued);
    expect(issued.length).toBeGreaterThanOrEqual(4);
    const secrets = await knownSecrets();
    const leaks = captured.flatMap(({ source, text }) => [...findSecretLeaks(text, secrets), ...decodedPasswords(text)].map((leak) => `${source}: ${leak}`));
    expect(leaks).toEqual([]);
    expect(captured.length).toBeGreaterThanOrEqual(12);
  });
});
