import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSecretsApiStandIn, type SecretsApiStandIn } from '../../stand-ins/secrets-api-stand-in.js';
import { callSecretsApi } from './support/call-secrets-api.js';

let api: SecretsApiStandIn;
const pull = { isImagePullSecret: true, host: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com', secretValue: 'QVdTOnB3' };

beforeAll(async () => {
  api = await startSecretsApiStandIn();
});
afterEach(() => api.reset());
afterAll(() => api.close());

const call = (...args: Parameters<typeof callSecretsApi> extends [string, ...infer Rest] ? Rest : never) => callSecretsApi(api.url, ...args);

async function failureOf(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the request to fail');
}

describe('secrets API stand-in faults', () => {
  it('answers a queued 409 CONFLICT once, then serves the PUT', async () => {
    api.failNext(1, { kind: 'status', status: 409 }, 'put');
    const conflict = await call('PUT', '/secrets/ecr-pull', { body: pull });
    expect(conflict.status).toBe(409);
    expect(conflict.json).toEqual({ error: 'Secret set was modified concurrently. Please retry.', code: 'CONFLICT' });
    expect(api.getSet('ecr-pull')).toBeUndefined();
    expect((await call('PUT', '/secrets/ecr-pull', { body: pull })).status).toBe(202);
  });

  it('sends 429 with a Retry-After header when given one, and without it otherwise', async () => {
    api.failNext(1, { kind: 'status', status: 429, headers: { 'retry-after': '7' } }, 'put');
    api.failNext(1, { kind: 'status', status: 429 }, 'put');
    const first = await call('PUT', '/secrets/ecr-pull', { body: pull });
    const second = await call('PUT', '/secrets/ecr-pull', { body: pull });
    expect([first.status, first.headers['retry-after']]).toEqual([429, '7']);
    expect([second.status, second.headers['retry-after']]).toEqual([429, undefined]);
    expect(second.json.code).toBe('TOO_MANY_REQUESTS');
  });

  it('applies a routed fault to its route only, and an any-route fault to all', async () => {
    api.setFault({ kind: 'status', status: 503 }, 'list');
    expect((await call('GET', '/secrets')).status).toBe(503);
    expect((await call('PUT', '/secrets/ecr-pull', { body: pull })).status).toBe(202);
    api.setFault(undefined, 'list');
    expect((await call('GET', '/secrets')).status).toBe(200);
    api.setFault({ kind: 'status', status: 500 });
    expect((await call('GET', '/secrets')).json).toEqual({
      error: 'Internal server error. Please check logs for more information or contact support.',
      code: 'INTERNAL_SERVER_ERROR',
    });
    expect((await call('PUT', '/secrets/ecr-pull', { body: pull })).status).toBe(500);
  });

  it('sends a custom status body as given', async () => {
    api.failNext(1, { kind: 'status', status: 502, body: '<html>Bad Gateway</html>' }, 'get');
    const reply = await call('GET', '/secrets/ecr-pull');
    expect([reply.status, reply.text]).toEqual([502, '<html>Bad Gateway</html>']);
  });

  it('resets the connection so the client sees ECONNRESET', async () => {
    api.failNext(1, { kind: 'reset' }, 'put');
    const error = await failureOf(call('PUT', '/secrets/ecr-pull', { body: pull }));
    expect(error.code).toMatch(/^(ECONNRESET|UND_ERR_SOCKET)$/);
    expect(api.requests).toHaveLength(1);
  });

  it('hangs until the client gives up through undici headersTimeout', async () => {
    api.setFault({ kind: 'hang' }, 'list');
    const started = Date.now();
    const error = await failureOf(request(`${api.url}/secrets`, { headersTimeout: 200 }));
    expect(error.code).toBe('UND_ERR_HEADERS_TIMEOUT');
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('trickles a slowloris reply a byte at a time, never finishing it', async () => {
    api.setFault({ kind: 'slowloris', intervalMs: 20 }, 'list');
    const response = await request(`${api.url}/secrets`, { signal: AbortSignal.timeout(400) });
    expect(response.statusCode).toBe(200);
    let received = 0;
    const error = await failureOf(
      (async () => {
        for await (const chunk of response.body) received += (chunk as Buffer).length;
      })(),
    );
    expect(error.name).toMatch(/AbortError|TimeoutError/);
    expect(received).toBeGreaterThan(3);
  });

  it('answers garbage with a 200 that is not JSON', async () => {
    api.failNext(1, { kind: 'garbage' }, 'list');
    const reply = await call('GET', '/secrets');
    expect(reply.status).toBe(200);
    expect(() => JSON.parse(reply.text)).toThrow();
  });

  it('answers an oversized reply of about 5 MB', async () => {
    api.failNext(1, { kind: 'oversized' }, 'list');
    const reply = await call('GET', '/secrets');
    expect(reply.text.length).toBeGreaterThanOrEqual(5 * 1024 * 1024 - 64);
  });

  it('faults before checking the key, as a proxy in front of the API would', async () => {
    api.failNext(1, { kind: 'status', status: 502 });
    expect((await call('GET', '/secrets', { apiKey: 'wrong' })).status).toBe(502);
    expect((await call('GET', '/secrets', { apiKey: 'wrong' })).status).toBe(401);
  });
});

describe('secrets API stand-in concurrency mark', () => {
  let slow: SecretsApiStandIn;
  beforeAll(async () => {
    slow = await startSecretsApiStandIn({ putLatencyMs: 150 });
  });
  afterAll(() => slow.close());

  it('records how many PUTs were in flight at once', async () => {
    const put = (name: string) => callSecretsApi(slow.url, 'PUT', `/secrets/${name}`, { body: pull });
    await put('one-set');
    await put('two-set');
    expect(slow.maxConcurrentPuts).toBe(1);
    const replies = await Promise.all(['a-set', 'b-set', 'c-set', 'd-set'].map(put));
    expect(replies.map((r) => r.status)).toEqual([202, 202, 202, 202]);
    expect(slow.maxConcurrentPuts).toBe(4);
    slow.reset();
    expect(slow.maxConcurrentPuts).toBe(0);
  });
});

describe('secrets API stand-in admin routes', () => {
  const admin = () => api.url.replace(/\/v1$/, '/__admin');
  const post = (path: string, body: unknown) =>
    request(`${admin()}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('sets a routed fault for a count of requests', async () => {
    const set = await post('/fault', { route: 'put', fault: { kind: 'status', status: 409 }, count: 2 });
    expect(set.statusCode).toBe(200);
    await set.body.dump();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call('PUT', '/secrets/ecr-pull', { body: pull })).status);
    expect(statuses).toEqual([409, 409, 202]);
  });

  it('sets and clears a persistent fault', async () => {
    await (await post('/fault', { fault: { kind: 'status', status: 500 } })).body.dump();
    expect((await call('GET', '/secrets')).status).toBe(500);
    await (await post('/fault', { fault: null })).body.dump();
    expect((await call('GET', '/secrets')).status).toBe(200);
  });

  it('refuses an unknown fault kind or route', async () => {
    const kind = await post('/fault', { fault: { kind: 'meteor' } });
    const route = await post('/fault', { route: 'patch', fault: { kind: 'hang' } });
    expect([kind.statusCode, route.statusCode]).toEqual([400, 400]);
    await Promise.all([kind.body.dump(), route.body.dump()]);
  });

  it('shows state with stored values, recorded requests and the concurrency mark', async () => {
    await call('PUT', '/secrets/ecr-pull', { body: pull });
    const state = (await (await request(`${admin()}/state`)).body.json()) as { requests: unknown[] };
    expect(state).toMatchObject({
      sets: { 'ecr-pull': { type: 'imagePullSecret', secretValue: 'QVdTOnB3', host: `${pull.host}/`, status: 'pending' } },
      maxConcurrentPuts: 1,
    });
    expect(state.requests).toHaveLength(1);
  });

  it('reports failed provisioning chosen over the admin route once the delay is over', async () => {
    const fast = await startSecretsApiStandIn({ provisioningDelayMs: 0 });
    try {
      const adminUrl = fast.url.replace(/\/v1$/, '/__admin');
      await (
        await request(`${adminUrl}/provisioning`, { method: 'POST', body: JSON.stringify({ name: 'ecr-pull', outcome: 'failed', errorMessage: 'quota exceeded' }) })
      ).body.dump();
      await callSecretsApi(fast.url, 'PUT', '/secrets/ecr-pull', { body: pull });
      const list = await callSecretsApi(fast.url, 'GET', '/secrets');
      expect(list.json.sets[0]).toEqual({ name: 'ecr-pull', type: 'imagePullSecret', region: 'us-west', status: 'failed', errorMessage: 'quota exceeded' });
      await (await request(`${adminUrl}/reset`, { method: 'POST' })).body.dump();
      expect(fast.getSet('ecr-pull')).toBeUndefined();
    } finally {
      await fast.close();
    }
  });
});
