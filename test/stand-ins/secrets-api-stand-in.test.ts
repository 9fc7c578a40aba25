import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSecretsApiStandIn, type SecretsApiStandIn } from '../../stand-ins/secrets-api-stand-in.js';
import { callSecretsApi, type ApiReply } from './support/call-secrets-api.js';

let api: SecretsApiStandIn;
let nowMs = 1_000_000;
const triplet = (password: string, region?: string) => ({
  secrets: [
    { secretKey: 'username', secretValue: 'AWS' },
    { secretKey: 'password', secretValue: password },
    { secretKey: 'registry', secretValue: '123456789012.dkr.ecr.us-east-1.amazonaws.com' },
  ],
  ...(region ? { region } : {}),
});
const pull = (extra: Record<string, unknown> = {}) => ({
  isImagePullSecret: true,
  host: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com',
  secretValue: Buffer.from('AWS:example-password').toString('base64'),
  ...extra,
});

beforeAll(async () => {
  api = await startSecretsApiStandIn({ provisioningDelayMs: 300, now: () => nowMs });
});
afterEach(() => api.reset());
afterAll(() => api.close());

const call = (...args: Parameters<typeof callSecretsApi> extends [string, ...infer Rest] ? Rest : never) => callSecretsApi(api.url, ...args);

function expectError(reply: ApiReply, status: number, code: string, message?: string | RegExp) {
  expect(reply.status).toBe(status);
  expect(Object.keys(reply.json ?? {}).sort()).toEqual(['code', 'error']);
  expect(reply.json.code).toBe(code);
  expect(typeof reply.json.error).toBe('string');
  if (typeof message === 'string') expect(reply.json.error).toBe(message);
  else if (message) expect(reply.json.error).toMatch(message);
}

describe('secrets API stand-in: authentication and names', () => {
  it('answers 401 UNAUTHORIZED without a key, with a wrong key, and with a non-bearer scheme', async () => {
    expectError(await call('GET', '/secrets', { apiKey: null }), 401, 'UNAUTHORIZED');
    expectError(await call('GET', '/secrets', { apiKey: 'pk_wrong' }), 401, 'UNAUTHORIZED');
    expectError(await call('GET', '/secrets', { apiKey: null, headers: { authorization: 'Basic cGtfdGVzdF9zdGFuZGlu' } }), 401, 'UNAUTHORIZED');
    expectError(await call('PUT', '/secrets/ecr-pull', { apiKey: null, body: pull() }), 401, 'UNAUTHORIZED');
    expect(api.getSet('ecr-pull')).toBeUndefined();
  });

  it('refuses set names outside the pattern or 3-63 characters with 400 GENERIC_BAD_REQUEST', async () => {
    for (const name of ['ab', 'a'.repeat(64), 'Ecr-Pull', '-ecr', 'ecr-', 'ecr_pull', 'ecr..pull', 'ecr%20pull']) {
      expectError(await call('PUT', `/secrets/${name}`, { body: pull() }), 400, 'GENERIC_BAD_REQUEST');
    }
    expectError(await call('GET', '/secrets/AB', {}), 400, 'GENERIC_BAD_REQUEST');
    expect((await call('PUT', `/secrets/${'a'.repeat(63)}`, { body: pull() })).status).toBe(202);
    expect((await call('PUT', '/secrets/ecr.pull-1', { body: pull() })).status).toBe(202);
  });

  it('refuses key names outside [A-Za-z0-9_-]{1,64}', async () => {
    for (const secretKey of ['bad key', 'a'.repeat(65), '', 'dot.key']) {
      expectError(await call('PUT', '/secrets/app-secrets', { body: { secrets: [{ secretKey, secretValue: 'v' }] } }), 400, 'GENERIC_BAD_REQUEST');
    }
    expect((await call('PUT', '/secrets/app-secrets', { body: { secrets: [{ secretKey: 'A_b-9', secretValue: 'v' }] } })).status).toBe(202);
  });
});

describe('secrets API stand-in: PUT bodies', () => {
  it('accepts the triplet as a regular set in the default region with 202 {status, region}', async () => {
    const reply = await call('PUT', '/secrets/ecr-creds', { body: triplet('pw-1') });
    expect(reply.status).toBe(202);
    expect(reply.json).toEqual({ status: 'OK', region: 'us-west' });
    expect(api.getSet('ecr-creds')).toMatchObject({
      type: 'secret',
      region: 'us-west',
      status: 'pending',
      secrets: { username: 'AWS', password: 'pw-1', registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com' },
      puts: 1,
      updatedAt: nowMs,
    });
  });

  it('accepts an image pull secret and adds the trailing slash to host', async () => {
    const reply = await call('PUT', '/secrets/ecr-pull', { body: pull({ region: 'eu-central' }) });
    expect(reply.json).toEqual({ status: 'OK', region: 'eu-central' });
    expect(api.getSet('ecr-pull')).toMatchObject({
      type: 'imagePullSecret',
      region: 'eu-central',
      host: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com/',
      secretValue: pull().secretValue,
    });
  });

  it('refuses malformed JSON, non-objects and bodies of neither shape', async () => {
    expectError(await call('PUT', '/secrets/ecr-pull', { body: '{"isImagePullSecret":' }), 400, 'GENERIC_BAD_REQUEST', /Invalid request format/);
    expectError(await call('PUT', '/secrets/ecr-pull', { body: '[]' }), 400, 'GENERIC_BAD_REQUEST');
    expectError(await call('PUT', '/secrets/ecr-pull', { body: { region: 'us-west' } }), 400, 'GENERIC_BAD_REQUEST');
    expect(api.getSet('ecr-pull')).toBeUndefined();
  });

  it('refuses unknown fields in either shape and in a secrets entry', async () => {
    expectError(await call('PUT', '/secrets/ecr-pull', { body: pull({ username: 'AWS' }) }), 400, 'GENERIC_BAD_REQUEST', /unknown field/);
    expectError(await call('PUT', '/secrets/ecr-creds', { body: { ...triplet('x'), isImage: true } }), 400, 'GENERIC_BAD_REQUEST', /unknown field/);
    expectError(
      await call('PUT', '/secrets/ecr-creds', { body: { secrets: [{ secretKey: 'a', secretValue: 'b', note: 'c' }] } }),
      400,
      'GENERIC_BAD_REQUEST',
      /unknown field/,
    );
  });

  it('refuses wrong types and an empty secrets list', async () => {
    const bodies = [
      { secrets: 'username=AWS' },
      { secrets: [] },
      { secrets: [{ secretKey: 'password', secretValue: 42 }] },
      { secrets: [['password', 'x']] },
      { ...triplet('x'), region: 7 },
      pull({ isImagePullSecret: 'true' }),
      pull({ isImagePullSecret: false }),
      pull({ host: 42 }),
    ];
    for (const body of bodies) expectError(await call('PUT', '/secrets/ecr-creds', { body }), 400, 'GENERIC_BAD_REQUEST');
  });

  it('refuses an image pull secret without host or value, with a host that is not a URI, or a value that is not base64', async () => {
    const { host: _host, ...noHost } = pull();
    expectError(await call('PUT', '/secrets/ecr-pull', { body: noHost }), 400, 'GENERIC_BAD_REQUEST', 'Must provide isImagePullSecret, host, and secretValue to update an image pull secret');
    expectError(await call('PUT', '/secrets/ecr-pull', { body: pull({ host: 'not a url' }) }), 400, 'GENERIC_BAD_REQUEST', /host must be a URI/);
    expectError(await call('PUT', '/secrets/ecr-pull', { body: pull({ secretValue: 'AWS:plain-password' }) }), 400, 'GENERIC_BAD_REQUEST', /base64/);
    expectError(await call('PUT', '/secrets/ecr-pull', { body: pull({ secretValue: 'QVdTOnB3\nQVdT' }) }), 400, 'GENERIC_BAD_REQUEST', /base64/);
  });

  it('refuses a PUT whose content type is not JSON', async () => {
    expectError(await call('PUT', '/secrets/ecr-pull', { body: JSON.stringify(pull()), headers: { 'content-type': 'text/plain' } }), 400, 'GENERIC_BAD_REQUEST');
  });

  it('refuses a region the organisation does not have', async () => {
    expectError(await call('PUT', '/secrets/ecr-pull', { body: pull({ region: 'mars-north' }) }), 400, 'GENERIC_BAD_REQUEST', 'Invalid region or organization does not have access');
  });

  it('never moves a set to another region, and keeps its region when a PUT names none', async () => {
    await call('PUT', '/secrets/ecr-pull', { body: pull({ region: 'us-east' }) });
    expectError(
      await call('PUT', '/secrets/ecr-pull', { body: pull({ region: 'us-west' }) }),
      400,
      'GENERIC_BAD_REQUEST',
      "Secret already exists in region 'us-east'. Cannot change region to 'us-west'.",
    );
    expect((await call('PUT', '/secrets/ecr-pull', { body: pull() })).json).toEqual({ status: 'OK', region: 'us-east' });
    expect(api.getSet('ecr-pull')?.puts).toBe(2);
  });

  it('refuses to turn a regular set into an image pull secret', async () => {
    await call('PUT', '/secrets/ecr-creds', { body: triplet('pw') });
    expectError(await call('PUT', '/secrets/ecr-creds', { body: pull() }), 400, 'GENERIC_BAD_REQUEST', 'Cannot update existing regular secrets to image pull secrets');
    expect(api.getSet('ecr-creds')?.type).toBe('secret');
  });

  it('refuses a regular body for an image pull secret with the documented message', async () => {
    await call('PUT', '/secrets/ecr-pull', { body: pull() });
    expectError(await call('PUT', '/secrets/ecr-pull', { body: triplet('pw') }), 400, 'GENERIC_BAD_REQUEST', 'Must provide isImagePullSecret, host, and secretValue to update an image pull secret');
  });

  it('merges regular sets by key', async () => {
    await call('PUT', '/secrets/app-secrets', { body: { secrets: [{ secretKey: 'A', secretValue: '1' }, { secretKey: 'B', secretValue: '2' }] } });
    await call('PUT', '/secrets/app-secrets', { body: { secrets: [{ secretKey: 'B', secretValue: '3' }, { secretKey: 'C', secretValue: '4' }] } });
    expect(api.getSet('app-secrets')?.secrets).toEqual({ A: '1', B: '3', C: '4' });
  });

  it('answers 200 instead of 202 when started like an older server', async () => {
    const old = await startSecretsApiStandIn({ putStatus: 200 });
    try {
      expect((await callSecretsApi(old.url, 'PUT', '/secrets/ecr-pull', { body: pull() })).status).toBe(200);
    } finally {
      await old.close();
    }
  });

  it('records each request with its authorization header and PUT body', async () => {
    await call('PUT', '/secrets/ecr-pull', { body: pull() });
    await call('GET', '/secrets?region=us-west');
    expect(api.requests.map(({ method, path, search, authorization, at }) => ({ method, path, search, authorization, at }))).toEqual([
      { method: 'PUT', path: '/v1/secrets/ecr-pull', search: '', authorization: 'Bearer pk_test_standin', at: nowMs },
      { method: 'GET', path: '/v1/secrets', search: '?region=us-west', authorization: 'Bearer pk_test_standin', at: nowMs },
    ]);
    expect(JSON.parse(api.requests[0]?.body ?? '')).toEqual(pull());
  });
});

describe('secrets API stand-in: readiness and reads', () => {
  it('shows a set pending after a PUT and ready once the provisioning delay has passed on its clock', async () => {
    await call('PUT', '/secrets/ecr-pull', { body: pull() });
    await call('PUT', '/secrets/ecr-creds', { body: triplet('pw') });
    expect((await call('GET', '/secrets')).json).toEqual({
      sets: [
        { name: 'ecr-pull', type: 'imagePullSecret', region: 'us-west', status: 'pending' },
        { name: 'ecr-creds', type: 'secret', region: 'us-west', status: 'pending' },
      ],
    });
    nowMs += 299;
    expect((await call('GET', '/secrets/ecr-creds')).json.status).toBe('pending');
    nowMs += 1;
    expect((await call('GET', '/secrets')).json.sets.map((s: { status: string }) => s.status)).toEqual(['ready', 'ready']);
    await call('PUT', '/secrets/ecr-pull', { body: pull() });
    expect(api.getSet('ecr-pull')?.status).toBe('pending');
  });

  it('reports a failed provisioning with its errorMessage, and a stuck one as pending for good', async () => {
    api.setProvisioning('ecr-pull', { outcome: 'failed', errorMessage: 'Provisioning failed in region us-west' });
    api.setProvisioning('ecr-creds', { outcome: 'stuck' });
    await call('PUT', '/secrets/ecr-pull', { body: pull() });
    await call('PUT', '/secrets/ecr-creds', { body: triplet('pw') });
    nowMs += 3_600_000;
    const { sets } = (await call('GET', '/secrets')).json;
    expect(sets).toEqual([
      { name: 'ecr-pull', type: 'imagePullSecret', region: 'us-west', status: 'failed', errorMessage: 'Provisioning failed in region us-west' },
      { name: 'ecr-creds', type: 'secret', region: 'us-west', status: 'pending' },
    ]);
    api.setProvisioning('ecr-pull', { outcome: 'ready' });
    await call('PUT', '/secrets/ecr-pull', { body: pull() });
    nowMs += 300;
    expect(api.getSet('ecr-pull')).toMatchObject({ status: 'ready' });
    expect(api.getSet('ecr-pull')?.errorMessage).toBeUndefined();
  });

  it('applies a default provisioning outcome to sets without their own', async () => {
    api.setDefaultProvisioning({ outcome: 'failed' });
    await call('PUT', '/secrets/ecr-pull', { body: pull() });
    nowMs += 300;
    expect(api.getSet('ecr-pull')).toMatchObject({ status: 'failed', errorMessage: expect.any(String) });
  });

  it('filters the list by ?region=', async () => {
    await call('PUT', '/secrets/west-pull', { body: pull({ region: 'us-west' }) });
    await call('PUT', '/secrets/east-pull', { body: pull({ region: 'us-east' }) });
    expect((await call('GET', '/secrets?region=us-east')).json.sets.map((s: { name: string }) => s.name)).toEqual(['east-pull']);
    expect((await call('GET', '/secrets?region=ap-south')).json).toEqual({ sets: [] });
  });

  it('shows a regular set by name with key names only, 404 for an unknown set, 400 for an image pull secret', async () => {
    await call('PUT', '/secrets/ecr-creds', { body: triplet('very-secret-pw') });
    await call('PUT', '/secrets/ecr-pull', { body: pull() });
    const regular = await call('GET', '/secrets/ecr-creds');
    expect(regular.json).toEqual({ region: 'us-west', status: 'pending', secrets: [{ fieldName: 'username' }, { fieldName: 'password' }, { fieldName: 'registry' }] });
    expect(regular.text).not.toContain('very-secret-pw');
    expectError(await call('GET', '/secrets/no-such-set'), 404, 'NOT_FOUND');
    expectError(await call('GET', '/secrets/ecr-pull'), 400, 'GENERIC_BAD_REQUEST', 'Cannot retrieve image pull secrets by name');
  });

  it('deletes sets and keys, with 404 when missing and no per-key delete for image pull secrets', async () => {
    await call('PUT', '/secrets/ecr-creds', { body: triplet('pw') });
    await call('PUT', '/secrets/ecr-pull', { body: pull() });
    expect((await call('DELETE', '/secrets/ecr-creds/password')).json).toEqual({ status: 'OK' });
    expect(Object.keys(api.getSet('ecr-creds')?.secrets ?? {})).toEqual(['username', 'registry']);
    expectError(await call('DELETE', '/secrets/ecr-creds/password'), 404, 'NOT_FOUND');
    expectError(await call('DELETE', '/secrets/ecr-pull/host'), 400, 'GENERIC_BAD_REQUEST');
    expect((await call('DELETE', '/secrets/ecr-pull')).json).toEqual({ status: 'OK' });
    expect(api.getSet('ecr-pull')).toBeUndefined();
    expectError(await call('DELETE', '/secrets/ecr-pull'), 404, 'NOT_FOUND');
    expectError(await call('DELETE', '/secrets/no-such-set/password'), 404, 'NOT_FOUND');
  });

  it('lets a deleted regular set come back as an image pull secret', async () => {
    await call('PUT', '/secrets/ecr-creds', { body: triplet('pw') });
    await call('DELETE', '/secrets/ecr-creds');
    expect((await call('PUT', '/secrets/ecr-creds', { body: pull() })).status).toBe(202);
    expect(api.getSet('ecr-creds')?.type).toBe('imagePullSecret');
  });

  it('answers unknown paths and methods with an error body', async () => {
    expectError(await call('GET', '/agents'), 404, 'NOT_FOUND');
    expectError(await call('POST', '/secrets/ecr-pull', { body: pull() }), 405, 'METHOD_NOT_ALLOWED');
    expect((await call('GET', '/regions')).json.regions.map((r: { code: string }) => r.code)).toEqual(['us-west', 'us-east', 'eu-central', 'ap-south']);
  });
});
