// Pull-Secret targets through the whole engine, in process: the real AWS SDK
// against the ECR stand-in, the real API server for the Secrets, and for a
// mixed configuration the Pipecat Cloud stand-in too.
import { afterAll, afterEach, beforeEach, describe, expect } from 'vitest';
import type { Config, TargetConfig } from '../../../src/config/config.js';
import { createApp } from '../../../src/create-app.js';
import { loadKubeConnection } from '../../../src/kubernetes/api/load-kube-connection.js';
import type { EcrStandIn } from '../../../stand-ins/ecr-stand-in.js';
import type { SecretsApiStandIn } from '../../../stand-ins/secrets-api-stand-in.js';
import { makeConfig, makeTarget } from '../../support/make-config.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube/start-kube-api-server.js';
import { inProcessAwsEnv } from '../../support/in-process-aws-env.js';
import { systemTest } from '../../support/system-test.js';
import { createNamespace, getJson, kubectlOk, serviceAccountWith } from '../support/grant.js';
import { registryEntry } from '../support/test-token.js';

systemTest.override({ standInOptions: { api: { provisioningDelayMs: 50 } } });
let ecr: EcrStandIn;
let api: SecretsApiStandIn;
let kube: KubeApiServer;
const saved = { ...process.env };

systemTest.beforeAll(async ({ ecr: ecrStandIn, api: apiStandIn }) => {
  [ecr, api] = [ecrStandIn, apiStandIn];
  Object.assign(process.env, inProcessAwsEnv(ecr.url));
  kube = await startKubeApiServer();
  await createNamespace(kube, 'agents');
  await createNamespace(kube, 'batch');
}, 120_000);
afterAll(async () => {
  process.env = saved;
  await kube?.stop();
});
const logged: string[] = [];
beforeEach(() => {
  ecr.reset();
  api.reset();
});
afterEach(() => {
  // The hygiene scan: no token, whole, in any log line of the test.
  for (const { password } of ecr.issued) for (const line of logged) expect(line).not.toContain(password);
  logged.length = 0;
});

const secretTarget = (namespace: string, name: string): TargetConfig => ({
  ...makeTarget({ name: `${namespace}/${name}`, format: 'image-pull-secret' }),
  destination: { kind: 'kubernetes', namespace, name },
});

function app(targets: TargetConfig[], token = kube.adminToken, overrides: Partial<Config> = {}) {
  const lines: string[] = [];
  const config = makeConfig({ apiUrl: api.url, apiKey: api.apiKey, targets, requestTimeoutMs: 3_000, confirmTimeoutMs: 5_000, ...overrides });
  const connection = loadKubeConnection({ kubeconfig: kube.writeKubeconfig(`app-${Math.random().toString(36).slice(2)}`, { token }) });
  const instance = createApp({ config, version: 'test', kubernetes: { connection }, logDestination: { write: (l: string) => void (lines.push(l), logged.push(l)) } });
  return { instance, lines, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const secret = (namespace: string, name: string) => getJson<{ type: string; data: Record<string, string>; metadata: { resourceVersion: string } }>(kube, ['secret', '-n', namespace, name]);

describe('pull-Secret targets in the engine', () => {
  systemTest('a one-shot run creates the Secret with the minted token, then a second run replaces it', async () => {
    const first = app([secretTarget('agents', 'ecr-pull')]);
    expect(await first.instance.runOnce()).toMatchObject([{ name: 'agents/ecr-pull', ok: true }]);
    expect(registryEntry(await secret('agents', 'ecr-pull')).password).toBe(ecr.issued[0]!.password);
    const ready = first.entries().find((e) => e.msg === 'secret set refreshed and ready');
    expect(ready).toMatchObject({ secretSet: 'agents/ecr-pull', created: true });
    await first.instance.stop();

    const second = app([secretTarget('agents', 'ecr-pull')]);
    expect(await second.instance.runOnce()).toMatchObject([{ ok: true }]);
    expect(registryEntry(await secret('agents', 'ecr-pull')).password).toBe(ecr.issued[1]!.password);
    expect(second.entries().find((e) => e.msg === 'secret set refreshed and ready')).toMatchObject({ created: false });
    const metrics = await second.instance.metrics.registry.metrics();
    expect(metrics).toMatch(/ecr_token_refresher_token_expiry_timestamp_seconds\{secret_set="agents\/ecr-pull",registry="default\/us-east-1"\} \d+/);
    // plan and confirm read, publish reads again and writes
    expect(metrics).toMatch(/ecr_token_refresher_kubernetes_api_request_duration_seconds_count\{operation="get secrets",status="200"\} 3/);
    expect(metrics).toMatch(/ecr_token_refresher_kubernetes_api_request_duration_seconds_count\{operation="update secrets",status="200"\} 1/);
    await second.instance.stop();
  });

  systemTest('dry-run reads only: it says create or update and shows the body without the token', async () => {
    await app([secretTarget('agents', 'dry-existing')]).instance.runOnce();
    const before = await secret('agents', 'dry-existing');
    const { instance } = app([secretTarget('agents', 'dry-existing'), secretTarget('agents', 'dry-missing')]);
    const report = await instance.dryRun();
    expect(report.ok).toBe(true);
    expect(report.requests.map((r) => [r.target, r.method, r.url, r.creating])).toEqual([
      ['agents/dry-existing', 'PUT', `${kube.url}/api/v1/namespaces/agents/secrets/dry-existing`, false],
      ['agents/dry-missing', 'POST', `${kube.url}/api/v1/namespaces/agents/secrets`, true],
    ]);
    expect(report.checks.filter((c) => c.side === 'kubernetes').map((c) => [c.subject, c.endpoint, c.said])).toEqual([
      ['agents/dry-existing', new URL(kube.url).origin, 'would update it (format image-pull-secret, secret agents/dry-existing)'],
      ['agents/dry-missing', new URL(kube.url).origin, 'would create it (format image-pull-secret, secret agents/dry-missing)'],
    ]);
    const shown = JSON.stringify(report);
    for (const issued of ecr.issued) expect(shown).not.toContain(issued.password);
    expect(shown).toContain('[REDACTED');
    expect((await secret('agents', 'dry-existing')).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    await expect(kubectlOk(kube, ['get', 'secret', '-n', 'agents', 'dry-missing'])).rejects.toThrow(/NotFound/);
  });

  systemTest('dry-run reports a Secret of another type and a Forbidden read as problems with the endpoint and the fix', async () => {
    await kubectlOk(kube, ['create', 'secret', 'generic', 'dry-taken', '-n', 'batch', '--from-literal=k=v']);
    const token = await serviceAccountWith(kube, 'agents', 'no-read', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]);
    const taken = await app([secretTarget('batch', 'dry-taken')]).instance.dryRun();
    const forbidden = await app([secretTarget('agents', 'dry-forbidden')], token).instance.dryRun();
    const endpoint = new URL(kube.url).origin;
    expect([...taken.problems, ...forbidden.problems]).toEqual([
      expect.objectContaining({
        target: 'batch/dry-taken',
        side: 'kubernetes',
        code: 'ERR_KUBE_WRONG_SECRET_TYPE',
        endpoint,
        fix: 'point the target at another name, or delete that Secret (kubectl delete secret -n batch dry-taken) if nothing needs it',
      }),
      expect.objectContaining({
        target: 'agents/dry-forbidden',
        code: 'ERR_KUBE_FORBIDDEN',
        reason: 'access_denied',
        endpoint,
        fix: 'add to a Role in namespace "agents" bound to this identity the rule {apiGroups: [""], resources: ["secrets"], verbs: ["get"]}',
      }),
    ]);
  });

  systemTest('a Secret of another type fails the target permanently, once, and stays as it was', async () => {
    await kubectlOk(kube, ['create', 'secret', 'generic', 'taken', '-n', 'agents', '--from-literal=k=v']);
    const { instance, entries } = app([secretTarget('agents', 'taken')]);
    const [outcome] = await instance.runOnce();
    expect(outcome).toMatchObject({ ok: false, error: { retryable: false, reason: 'config', stage: 'push' } });
    expect(outcome!.error!.message).toContain('it has type "Opaque", not kubernetes.io/dockerconfigjson');
    expect(entries().filter((e) => String(e.msg).startsWith('refresh failed'))).toHaveLength(1);
    expect((await secret('agents', 'taken')).type).toBe('Opaque');
  });

  systemTest('Forbidden is reported once as permanent, naming the rule to add', async () => {
    const token = await serviceAccountWith(kube, 'agents', 'reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]);
    const { instance, entries } = app([secretTarget('agents', 'forbidden')], token);
    const [outcome] = await instance.runOnce();
    expect(outcome).toMatchObject({ ok: false, error: { retryable: false, reason: 'access_denied' } });
    expect(outcome!.error!.message).toContain('{apiGroups: [""], resources: ["secrets"], verbs: ["create"]}');
    expect(entries().filter((e) => String(e.msg).startsWith('refresh failed'))).toHaveLength(1);
  });

  systemTest('one Pipecat Cloud set and Secrets in two namespaces share one ECR call', async () => {
    const { instance } = app([makeTarget({ name: 'mixed-pull' }), secretTarget('agents', 'mixed'), secretTarget('batch', 'mixed')]);
    const outcomes = await instance.runOnce();
    expect(outcomes.map((o) => [o.name, o.ok])).toEqual([['mixed-pull', true], ['agents/mixed', true], ['batch/mixed', true]]);
    expect(ecr.calls).toHaveLength(1);
    const { password } = ecr.issued[0]!;
    expect(registryEntry(await secret('agents', 'mixed')).password).toBe(password);
    expect(registryEntry(await secret('batch', 'mixed')).password).toBe(password);
    expect(Buffer.from(api.getSet('mixed-pull')!.secretValue!, 'base64').toString()).toBe(`AWS:${password}`);
  });
});
