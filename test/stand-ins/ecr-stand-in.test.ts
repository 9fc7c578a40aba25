import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ecrErrors } from '../../stand-ins/ecr-fault.js';
import { startEcrStandIn, type EcrStandIn } from '../../stand-ins/ecr-stand-in.js';

const credentials = { accessKeyId: 'AKIAEXAMPLE0000000001', secretAccessKey: 'example-secret-access-key' };
let ecr: EcrStandIn;
let nowMs = Date.parse('2025-03-01T10:00:00Z');

beforeAll(async () => {
  ecr = await startEcrStandIn({ now: () => nowMs });
});
afterEach(() => ecr.reset());
afterAll(() => ecr.close());

function client(extra: { region?: string; maxAttempts?: number; requestTimeout?: number } = {}) {
  return new ECRClient({
    region: extra.region ?? 'us-east-1',
    endpoint: ecr.url,
    credentials,
    maxAttempts: extra.maxAttempts,
    ...(extra.requestTimeout ? { requestHandler: { requestTimeout: extra.requestTimeout, throwOnRequestTimeout: true } } : {}),
  });
}

async function errorOf(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

describe('ECR stand-in with the real AWS SDK client', () => {
  it('hands out a token that decodes to AWS:<password>, with expiresAt and proxyEndpoint as ECR sends them', async () => {
    const out = await client({ region: 'eu-west-1' }).send(new GetAuthorizationTokenCommand({}));
    const data = out.authorizationData?.[0];
    expect(out.authorizationData).toHaveLength(1);
    const decoded = Buffer.from(data?.authorizationToken ?? '', 'base64').toString('utf8');
    expect(decoded).toBe(`AWS:${ecr.issued[0]?.password}`);
    expect(ecr.issued[0]?.password.length).toBeGreaterThan(1_400);
    expect(data?.proxyEndpoint).toBe('https://123456789012.dkr.ecr.eu-west-1.amazonaws.com');
    expect(data?.expiresAt).toBeInstanceOf(Date);
    expect(data?.expiresAt?.getTime()).toBe(nowMs + 12 * 3600 * 1000);
    expect(ecr.calls).toEqual([
      { at: nowMs, region: 'eu-west-1', accessKeyId: credentials.accessKeyId, registryIds: [], attempt: 1 },
    ]);
  });

  it('answers one entry per requested registry id, in order', async () => {
    const out = await client().send(new GetAuthorizationTokenCommand({ registryIds: ['111111111111', '222222222222'] }));
    expect(out.authorizationData?.map((d) => d.proxyEndpoint)).toEqual([
      'https://111111111111.dkr.ecr.us-east-1.amazonaws.com',
      'https://222222222222.dkr.ecr.us-east-1.amazonaws.com',
    ]);
    expect(ecr.calls[0]?.registryIds).toEqual(['111111111111', '222222222222']);
    expect(ecr.issued.map((t) => t.registryId)).toEqual(['111111111111', '222222222222']);
  });

  it('refuses a registry id that is not 12 digits with InvalidParameterException', async () => {
    const error = await errorOf(client().send(new GetAuthorizationTokenCommand({ registryIds: ['12345'] })));
    expect(error.name).toBe('InvalidParameterException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it('is reached through AWS_ENDPOINT_URL_ECR without an endpoint in code', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_ECR;
    process.env.AWS_ENDPOINT_URL_ECR = ecr.url;
    try {
      const out = await new ECRClient({ region: 'ap-south-1', credentials }).send(new GetAuthorizationTokenCommand({}));
      expect(out.authorizationData?.[0]?.proxyEndpoint).toBe('https://123456789012.dkr.ecr.ap-south-1.amazonaws.com');
      expect(ecr.calls).toHaveLength(1);
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_ECR;
      else process.env.AWS_ENDPOINT_URL_ECR = saved;
    }
  });

  it('surfaces throttling as ThrottlingException after one attempt when retries are off', async () => {
    ecr.setFault(ecrErrors.throttling);
    const error = await errorOf(client({ maxAttempts: 1 }).send(new GetAuthorizationTokenCommand({})));
    expect(error.name).toBe('ThrottlingException');
    expect(error.message).toBe('Rate exceeded');
    expect(ecr.calls).toHaveLength(1);
  });

  it('lets the SDK retry queued throttles and records each attempt number', async () => {
    ecr.failNext(2, ecrErrors.throttling);
    const out = await client().send(new GetAuthorizationTokenCommand({}));
    expect(out.authorizationData).toHaveLength(1);
    expect(ecr.calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
  });

  it('surfaces AccessDeniedException and a 500 ServerException by name', async () => {
    ecr.failNext(1, ecrErrors.accessDenied);
    ecr.failNext(1, ecrErrors.server);
    expect((await errorOf(client({ maxAttempts: 1 }).send(new GetAuthorizationTokenCommand({})))).name).toBe('AccessDeniedException');
    const server = await errorOf(client({ maxAttempts: 1 }).send(new GetAuthorizationTokenCommand({})));
    expect(server.name).toBe('ServerException');
    expect(server.$metadata?.httpStatusCode).toBe(500);
  });

  it('uses queued faults before the persistent one, then the persistent one until cleared', async () => {
    ecr.setFault(ecrErrors.server);
    ecr.failNext(1, ecrErrors.accessDenied);
    const names = [];
    for (let i = 0; i < 2; i++) names.push((await errorOf(client({ maxAttempts: 1 }).send(new GetAuthorizationTokenCommand({})))).name);
    ecr.setFault(undefined);
    await client({ maxAttempts: 1 }).send(new GetAuthorizationTokenCommand({}));
    expect(names).toEqual(['AccessDeniedException', 'ServerException']);
  });

  it('answers an expired-token fault with an expiresAt in the past', async () => {
    ecr.setFault({ kind: 'expired-token' });
    const out = await client().send(new GetAuthorizationTokenCommand({}));
    expect(out.authorizationData?.[0]?.expiresAt?.getTime()).toBe(nowMs - 3_600_000);
  });

  it('answers empty authorizationData and a malformed proxyEndpoint when told to', async () => {
    ecr.failNext(1, { kind: 'empty-authorization-data' });
    ecr.failNext(1, { kind: 'malformed-proxy-endpoint' });
    expect((await client().send(new GetAuthorizationTokenCommand({}))).authorizationData).toEqual([]);
    expect((await client().send(new GetAuthorizationTokenCommand({}))).authorizationData?.[0]?.proxyEndpoint).toBe('not a url');
  });

  it('makes a garbage reply and a reset connection fail the SDK call', async () => {
    ecr.failNext(1, { kind: 'garbage' });
    ecr.failNext(1, { kind: 'reset' });
    const garbage = await errorOf(client({ maxAttempts: 1 }).send(new GetAuthorizationTokenCommand({})));
    expect(garbage.message).toMatch(/JSON|Unexpected token|deserializ/i);
    const reset = (await errorOf(client({ maxAttempts: 1 }).send(new GetAuthorizationTokenCommand({})))) as Error & { code?: string };
    expect(reset.code ?? reset.name).toMatch(/ECONNRESET|socket hang up/i);
  });

  it('never answers a hang fault, so the SDK request timeout fires', async () => {
    ecr.setFault({ kind: 'hang' });
    const error = await errorOf(client({ maxAttempts: 1, requestTimeout: 300 }).send(new GetAuthorizationTokenCommand({})));
    expect(error.name).toBe('TimeoutError');
  });
});

describe('ECR stand-in credential checks', () => {
  let strict: EcrStandIn;
  beforeAll(async () => {
    strict = await startEcrStandIn({ accessKeys: ['AKIAKNOWN00000000001'], expiredAccessKeys: ['AKIAEXPIRED000000001'] });
  });
  afterAll(() => strict.close());

  async function callWith(accessKeyId: string) {
    const c = new ECRClient({ region: 'us-east-1', endpoint: strict.url, credentials: { accessKeyId, secretAccessKey: 'x' }, maxAttempts: 1 });
    return c.send(new GetAuthorizationTokenCommand({}));
  }

  it('accepts a listed key, refuses an unknown one with UnrecognizedClientException', async () => {
    await expect(callWith('AKIAKNOWN00000000001')).resolves.toBeDefined();
    expect((await errorOf(callWith('AKIASTRANGER00000001'))).name).toBe('UnrecognizedClientException');
  });

  it('refuses an expired key with ExpiredTokenException', async () => {
    expect((await errorOf(callWith('AKIAEXPIRED000000001'))).name).toBe('ExpiredTokenException');
  });
});
