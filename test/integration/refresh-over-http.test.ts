// The refresher end to end over real HTTP, in process: the real AWS SDK ECR
// client against the ECR stand-in (JSON 1.1, SigV4-shaped requests) and the
// real undici client against the secrets-API stand-in, which enforces the
// documented bodies, names, status codes and pending → ready provisioning.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/create-app.js';
import type { Config, TargetConfig } from '../../src/config/config.js';
import type { EcrStandIn } from '../../stand-ins/ecr-stand-in.js';
import type { SecretsApiStandIn } from '../../stand-ins/secrets-api-stand-in.js';
import { makeConfig, makeTarget } from '../support/make-config.js';
import { inProcessAwsEnv } from '../support/in-process-aws-env.js';
import { systemTest } from '../support/system-test.js';

systemTest.override({ standInOptions: { api: { provisioningDelayMs: 100 } } });
let ecr: EcrStandIn;
let api: SecretsApiStandIn;
const saved = { ...process.env };

systemTest.beforeAll(({ ecr: ecrStandIn, api: apiStandIn }) => {
  [ecr, api] = [ecrStandIn, apiStandIn];
  Object.assign(process.env, inProcessAwsEnv(ecr.url));
});
afterAll(() => {
  process.env = saved;
});
beforeEach(() => {
  ecr.reset();
  api.reset();
});

function app(targets: TargetConfig[], overrides: Partial<Config> = {}) {
  const lines: string[] = [];
  const config = makeConfig({ apiUrl: api.url, apiKey: api.apiKey, targets, requestTimeoutMs: 3_000, confirmTimeoutMs: 5_000, ...overrides });
  const instance = createApp({ config, version: 'test', logDestination: { write: (l: string) => void lines.push(l) } });
  return { instance, lines, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/** Creates a set the way a user would have, before the refresher ever ran. */
async function seed(name: string, body: unknown) {
  const response = await fetch(`${api.url}/secrets/${name}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${api.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(202);
  api.requests.length = 0;
}

const decode = (value: string) => Buffer.from(value, 'base64').toString('utf8');

describe('refresh over HTTP', () => {
  it('writes the username/password/registry triplet for format triplet', async () => {
    const { instance } = app([makeTarget({ name: 'ecr-creds', format: 'triplet', registryId: '123456789012' })]);
    const [outcome] = await instance.runOnce();
    expect(outcome).toMatchObject({ name: 'ecr-creds', ok: true });
    const set = api.getSet('ecr-creds')!;
    expect(set).toMatchObject({ type: 'secret', status: 'ready' });
    expect(set.secrets).toEqual({
      username: 'AWS',
      password: ecr.issued[0]!.password,
      registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
    });
  });

  it('writes an image pull secret whose value decodes to AWS:<token> for format image-pull-secret', async () => {
    const { instance } = app([makeTarget({ name: 'ecr-pull', format: 'image-pull-secret', pccRegion: 'eu-central' })]);
    const [outcome] = await instance.runOnce();
    expect(outcome!.ok).toBe(true);
    const set = api.getSet('ecr-pull')!;
    expect(set).toMatchObject({ type: 'imagePullSecret', status: 'ready', region: 'eu-central', host: `${ecr.issued[0]!.proxyEndpoint}/` });
    expect(decode(set.secretValue!)).toBe(`AWS:${ecr.issued[0]!.password}`);
    expect(outcome!.expiresAt).toBe(ecr.issued[0]!.expiresAt.getTime());
  });

  it('auto: creates a new set as an image pull secret', async () => {
    const { instance } = app([makeTarget({ name: 'fresh-set' })]);
    await instance.runOnce();
    expect(api.getSet('fresh-set')).toMatchObject({ type: 'imagePullSecret', status: 'ready' });
  });

  it('auto: keeps an existing regular set a regular set, merging the three keys', async () => {
    await seed('legacy-set', { secrets: [{ secretKey: 'password', secretValue: 'old' }, { secretKey: 'OTHER_KEY', secretValue: 'kept' }] });
    const { instance } = app([makeTarget({ name: 'legacy-set' })]);
    const [outcome] = await instance.runOnce();
    expect(outcome!.ok).toBe(true);
    const set = api.getSet('legacy-set')!;
    expect(set.type).toBe('secret');
    expect(set.secrets).toMatchObject({ username: 'AWS', password: ecr.issued[0]!.password, OTHER_KEY: 'kept' });
  });

  it('auto: keeps an existing image pull secret an image pull secret', async () => {
    await seed('pull-set', { isImagePullSecret: true, host: 'https://old.example.com', secretValue: Buffer.from('AWS:old').toString('base64') });
    const { instance } = app([makeTarget({ name: 'pull-set' })]);
    await instance.runOnce();
    const set = api.getSet('pull-set')!;
    expect(set.type).toBe('imagePullSecret');
    expect(decode(set.secretValue!)).toBe(`AWS:${ecr.issued[0]!.password}`);
  });

  it('refuses to send an image pull secret over an existing regular set, naming the fix', async () => {
    await seed('legacy-set', { secrets: [{ secretKey: 'password', secretValue: 'old' }] });
    const { instance, entries } = app([makeTarget({ name: 'legacy-set', format: 'image-pull-secret' })]);
    const [outcome] = await instance.runOnce();
    expect(outcome).toMatchObject({ ok: false, error: { reason: 'config', retryable: false } });
    expect(api.requests.filter((r) => r.method === 'PUT')).toHaveLength(0);
    const error = entries().find((e) => e.level === 'error');
    expect((error!.err as { message: string }).message).toMatch(/PCC_SECRET_FORMAT=triplet .*or delete the set/);
  });

  it('shares one ECR call between the sets of one registry, and makes one per registry', async () => {
    const { instance } = app([
      makeTarget({ name: 'set-a', registryId: '111111111111' }),
      makeTarget({ name: 'set-b', registryId: '111111111111' }),
      makeTarget({ name: 'set-c', registryId: '111111111111' }),
      makeTarget({ name: 'set-d', registryId: '222222222222' }),
    ]);
    const outcomes = await instance.runOnce();
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(ecr.calls.map((c) => c.registryIds).sort()).toEqual([['111111111111'], ['222222222222']]);
    expect(decode(api.getSet('set-d')!.secretValue!)).toMatch(/^AWS:/);
    expect(api.getSet('set-d')!.host).toBe('https://222222222222.dkr.ecr.us-east-1.amazonaws.com/');
  });

  it('dry run mints and lists but writes nothing, and prints no secret', async () => {
    const { instance, lines } = app([makeTarget({ name: 'dry-set', pccRegion: 'us-west' })]);
    const { ok, requests, problems } = await instance.dryRun();
    expect({ ok, problems }).toEqual({ ok: true, problems: [] });
    expect(api.requests.map((r) => r.method)).toEqual(['GET']);
    expect(api.getSet('dry-set')).toBeUndefined();
    expect(requests).toEqual([
      {
        target: 'dry-set',
        method: 'PUT',
        url: `${api.url}/secrets/dry-set`,
        headers: { authorization: 'Bearer [REDACTED]', 'content-type': 'application/json' },
        body: { isImagePullSecret: true, host: ecr.issued[0]!.proxyEndpoint, secretValue: expect.stringMatching(/^\[REDACTED \d+ chars\]$/), region: 'us-west' },
        tokenExpiresAt: ecr.issued[0]!.expiresAt.toISOString(),
        creating: true,
      },
    ]);
    const printed = JSON.stringify(requests) + lines.join('');
    expect(printed).not.toContain(ecr.issued[0]!.password);
    expect(printed).not.toContain(api.apiKey);
  });

  it('serves /healthz, /readyz (503 until every target is refreshed) and /metrics in the daemon', async () => {
    const { instance } = app([makeTarget({ name: 'daemon-set' })], { confirmTimeoutMs: 1_000, retryInitialDelayMs: 200, retryMaxDelayMs: 500 });
    api.setProvisioning('daemon-set', { outcome: 'stuck' });
    const server = await instance.startDaemon();
    try {
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      await expect.poll(() => api.requests.some((r) => r.method === 'PUT'), { timeout: 5_000 }).toBe(true);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
      api.setProvisioning('daemon-set', undefined);
      await expect.poll(async () => (await fetch(`${server.url}/readyz`)).status, { timeout: 10_000 }).toBe(200);
      const text = await (await fetch(`${server.url}/metrics`)).text();
      const expiry = ecr.issued.at(-1)!.expiresAt.getTime() / 1000;
      expect(text).toContain(`ecr_token_refresher_token_expiry_timestamp_seconds{secret_set="daemon-set",registry="default/us-east-1"} ${expiry}`);
      expect(text).toMatch(/ecr_token_refresher_next_refresh_timestamp_seconds\{secret_set="daemon-set",registry="default\/us-east-1"\} \d+/);
      expect(text).toContain('ecr_token_refresher_refresh_interval_seconds{secret_set="daemon-set",registry="default/us-east-1"} 21600');
      expect(text).toMatch(/ecr_token_refresher_ecr_request_duration_seconds_count\{operation="GetAuthorizationToken",status="200"\} 2/);
      expect(text).toMatch(/ecr_token_refresher_secrets_api_request_duration_seconds_count\{operation="put",status="202"\} 2/);
      expect(text).not.toContain(ecr.issued.at(-1)!.password);
      expect(text).toContain('ecr_token_refresher_refresh_failures_total{secret_set="daemon-set",registry="default/us-east-1",stage="confirm",reason="provisioning_timeout"} 1');
    } finally {
      await instance.stop();
    }
  });
});
