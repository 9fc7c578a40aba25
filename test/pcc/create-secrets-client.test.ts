import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretsClient } from '../../src/pcc/create-secrets-client.js';
import { createMetrics } from '../../src/metrics/create-metrics.js';
import { requestTimer } from '../../src/metrics/create-target-observer.js';
import type { OutboundError } from '../../src/errors/outbound-error.js';

const ORIGIN = 'https://api.example.test';
const KEY = 'pk_live_0123456789abcdef';
let agent: MockAgent;

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
});
afterEach(async () => {
  agent.assertNoPendingInterceptors();
  await agent.close();
});

function client(requestTimeoutMs = 2_000) {
  const metrics = createMetrics({ version: 't', defaultMetrics: false });
  return {
    metrics,
    secrets: createSecretsClient({ apiUrl: `${ORIGIN}/v1/`, apiKey: KEY, requestTimeoutMs, clock: { now: () => Date.now() }, dispatcher: agent, observeRequest: requestTimer(metrics, 'secrets-api') }),
  };
}

async function failure(promise: Promise<unknown>): Promise<OutboundError> {
  try {
    await promise;
  } catch (error) {
    return error as OutboundError;
  }
  throw new Error('expected a failure');
}

describe('createSecretsClient', () => {
  it('PUTs JSON with the bearer key to /secrets/<set> and accepts 202', async () => {
    let seen: { headers?: unknown; body?: unknown } = {};
    agent
      .get(ORIGIN)
      .intercept({ path: '/v1/secrets/ecr-pull', method: 'PUT' })
      .reply(202, (opts) => {
        seen = { headers: opts.headers, body: JSON.parse(String(opts.body)) };
        return { status: 'OK', region: 'us-west' };
      });
    const { secrets } = client();
    await secrets.putSet('ecr-pull', { isImagePullSecret: true, host: 'https://h.example', secretValue: 'QQ==' });
    expect(seen.headers).toMatchObject({ authorization: `Bearer ${KEY}`, 'content-type': 'application/json' });
    expect(seen.body).toEqual({ isImagePullSecret: true, host: 'https://h.example', secretValue: 'QQ==' });
  });

  it('accepts the 200 that older servers send', async () => {
    agent.get(ORIGIN).intercept({ path: '/v1/secrets/ecr-pull', method: 'PUT' }).reply(200, { status: 'OK' });
    await expect(client().secrets.putSet('ecr-pull', { secrets: [] })).resolves.toBeUndefined();
  });

  it('turns a 401 into a permanent error that names the key setting but not the key', async () => {
    agent.get(ORIGIN).intercept({ path: '/v1/secrets/ecr-pull', method: 'PUT' }).reply(401, { error: 'Unauthorized', code: 'UNAUTHORIZED' });
    const error = await failure(client().secrets.putSet('ecr-pull', { secrets: [] }));
    expect(error).toMatchObject({ code: 'ERR_OUTBOUND_STATUS', endpoint: 'https://api.example.test:443', reason: 'unauthorized', retryable: false, status: 401 });
    expect(error.message).toContain('Pipecat Cloud PUT https://api.example.test:443/v1/secrets/ecr-pull answered HTTP 401');
    expect(error.message).toContain('Unauthorized [UNAUTHORIZED]');
    expect(error.message).not.toContain(KEY);
  });

  it('says a WAF\'s HTML 403 came from in front of the API, quoting the page title, and leaves the key out of the fix', async () => {
    const page = '<!DOCTYPE html><html><head><title>403 Forbidden</title></head><body><h1>403 Forbidden</h1><p>Request blocked.</p></body></html>';
    agent.get(ORIGIN).intercept({ path: '/v1/secrets/ecr-pull', method: 'PUT' }).reply(403, page, { headers: { 'content-type': 'text/html' } });
    const error = await failure(client().secrets.putSet('ecr-pull', { secrets: [] }));
    expect(error).toMatchObject({ code: 'ERR_OUTBOUND_STATUS', reason: 'unauthorized', retryable: false, status: 403 });
    expect(error.message).toContain('answered HTTP 403 from a WAF or proxy in front of the API (an HTML page, not the API\'s JSON): 403 Forbidden');
    expect(error.fix).toContain('in front of https://api.example.test:443');
    expect(error.fix).not.toContain('PCC_API_KEY');
  });

  it('reads Retry-After on a 429', async () => {
    agent.get(ORIGIN).intercept({ path: '/v1/secrets/ecr-pull', method: 'PUT' }).reply(429, 'slow down', { headers: { 'retry-after': '7' } });
    expect(await failure(client().secrets.putSet('ecr-pull', { secrets: [] }))).toMatchObject({ reason: 'rate_limited', retryable: true, retryAfterMs: 7000 });
  });

  it('parses the list of sets and refuses a list that is not one', async () => {
    agent.get(ORIGIN).intercept({ path: '/v1/secrets', method: 'GET' }).reply(200, {
      sets: [{ name: 'a-set', type: 'imagePullSecret', region: 'us-west', status: 'failed', errorMessage: 'bad host' }],
    });
    agent.get(ORIGIN).intercept({ path: '/v1/secrets', method: 'GET' }).reply(200, '<html>gateway</html>');
    const { secrets } = client();
    expect(await secrets.listSets()).toEqual([{ name: 'a-set', type: 'imagePullSecret', region: 'us-west', status: 'failed', errorMessage: 'bad host' }]);
    expect(await failure(secrets.listSets())).toMatchObject({ code: 'ERR_OUTBOUND_REPLY', reason: 'bad_response', retryable: true });
  });

  it('refuses a reply over 1 MiB without reading it all', async () => {
    agent.get(ORIGIN).intercept({ path: '/v1/secrets', method: 'GET' }).reply(200, 'x'.repeat(3 * 1024 * 1024));
    expect(await failure(client().secrets.listSets())).toMatchObject({ reason: 'bad_response', retryable: true });
  });

  it('records request durations by operation and status', async () => {
    agent.get(ORIGIN).intercept({ path: '/v1/secrets/ecr-pull', method: 'PUT' }).reply(503, { error: 'down', code: 'X' });
    const { secrets, metrics } = client();
    await failure(secrets.putSet('ecr-pull', { secrets: [] }));
    const text = await metrics.registry.metrics();
    expect(text).toContain('ecr_token_refresher_secrets_api_request_duration_seconds_count{operation="put",status="503"} 1');
  });

  it('classifies a connection error as retryable and names the endpoint it tried', async () => {
    agent.get(ORIGIN).intercept({ path: '/v1/secrets/ecr-pull', method: 'PUT' }).replyWithError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    const error = await failure(client().secrets.putSet('ecr-pull', { secrets: [] }));
    expect(error).toMatchObject({ code: 'ERR_OUTBOUND_NETWORK', reason: 'connection_error', retryable: true, endpoint: 'https://api.example.test:443' });
    expect(error.message).toBe('Pipecat Cloud PUT https://api.example.test:443/v1/secrets/ecr-pull failed: connection error (ECONNRESET)');
  });

  it('says a refused connection in the words of the brief, with the endpoint', async () => {
    agent.get(ORIGIN).intercept({ path: '/v1/secrets', method: 'GET' }).replyWithError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }));
    const error = await failure(client().secrets.listSets());
    expect(error.message).toBe('Pipecat Cloud GET https://api.example.test:443/v1/secrets failed: connection refused (ECONNREFUSED)');
  });

  it('names the URL a PUT of a set goes to', () => {
    expect(client().secrets.setUrl('ecr.pull')).toBe('https://api.example.test/v1/secrets/ecr.pull');
  });
});
