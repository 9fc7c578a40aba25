// The secrets API stand-in's late status flip, over HTTP with its clock held:
// after a PUT an existing set keeps listing the status it had before for the
// flip's length, then goes pending for the provisioning delay, then ready with
// the new value; a new set is not affected; the admin route switches it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSecretsApiStandIn, type SecretsApiStandIn } from '../../stand-ins/secrets-api-stand-in.js';
import { callSecretsApi } from './support/call-secrets-api.js';

let api: SecretsApiStandIn;
let nowMs = 1_000_000;
const pull = (password: string) => ({
  isImagePullSecret: true,
  host: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com',
  secretValue: Buffer.from(`AWS:${password}`).toString('base64'),
});

beforeAll(async () => {
  api = await startSecretsApiStandIn({ provisioningDelayMs: 300, now: () => nowMs });
});
afterEach(() => api.reset());
afterAll(() => api.close());

async function listed(name: string) {
  const reply = await callSecretsApi(api.url, 'GET', '/secrets');
  return (reply.json.sets as Array<{ name: string; status: string }>).find((s) => s.name === name)?.status;
}

describe('secrets API stand-in: late status flip', () => {
  it('keeps listing the old ready after a PUT for the flip, then pending, then ready', async () => {
    expect((await callSecretsApi(api.url, 'PUT', '/secrets/flip-a', { body: pull('old') })).status).toBe(202);
    nowMs += 300;
    expect(await listed('flip-a')).toBe('ready');
    const firstSettled = api.getSet('flip-a')!.settledAt;
    expect(firstSettled).toBe(nowMs);

    api.setLateFlip(2_000);
    expect((await callSecretsApi(api.url, 'PUT', '/secrets/flip-a', { body: pull('new') })).status).toBe(202);
    const putAt = nowMs;
    for (const [after, status] of [
      [0, 'ready'],
      [1_999, 'ready'],
      [2_000, 'pending'],
      [2_299, 'pending'],
      [2_300, 'ready'],
    ] as const) {
      nowMs = putAt + after;
      expect(await listed('flip-a'), `${after} ms after the PUT`).toBe(status);
      expect(api.getSet('flip-a')!.settledAt, `${after} ms after the PUT`).toBe(after >= 2_300 ? putAt + 2_300 : undefined);
    }
    expect(Buffer.from(api.getSet('flip-a')!.secretValue!, 'base64').toString()).toBe('AWS:new');
  });

  it('shows a stale failed the same way, and leaves a new set alone', async () => {
    api.setProvisioning('flip-b', { outcome: 'failed', errorMessage: 'illegal base64 data' });
    await callSecretsApi(api.url, 'PUT', '/secrets/flip-b', { body: pull('bad') });
    nowMs += 300;
    api.setProvisioning('flip-b', undefined);
    api.setLateFlip(1_000);
    await callSecretsApi(api.url, 'PUT', '/secrets/flip-b', { body: pull('good') });
    expect(await listed('flip-b')).toBe('failed');
    await callSecretsApi(api.url, 'PUT', '/secrets/flip-c', { body: pull('first') });
    expect(await listed('flip-c')).toBe('pending');
    nowMs += 1_300;
    expect(await listed('flip-b')).toBe('ready');
  });

  it('is switched on and off over the admin route, and reset() turns it off', async () => {
    expect((await callSecretsApi(api.url.replace(/\/v1$/, ''), 'POST', '/__admin/late-flip', { body: { ms: -1 }, apiKey: null })).status).toBe(400);
    expect((await callSecretsApi(api.url.replace(/\/v1$/, ''), 'POST', '/__admin/late-flip', { body: { ms: 5_000 }, apiKey: null })).status).toBe(200);
    await callSecretsApi(api.url, 'PUT', '/secrets/flip-d', { body: pull('one') });
    nowMs += 300;
    await callSecretsApi(api.url, 'PUT', '/secrets/flip-d', { body: pull('two') });
    nowMs += 1_000;
    expect(await listed('flip-d')).toBe('ready');
    expect(api.getSet('flip-d')!.settledAt).toBeUndefined();
    api.reset();
    await callSecretsApi(api.url, 'PUT', '/secrets/flip-d', { body: pull('one') });
    nowMs += 300;
    await callSecretsApi(api.url, 'PUT', '/secrets/flip-d', { body: pull('two') });
    expect(await listed('flip-d')).toBe('pending');
  });
});
