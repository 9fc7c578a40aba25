// The serverless driver in process, over real HTTP to the ECR and secrets-API
// stand-ins, with the key reader as the seam: when the key is read, kept and
// read again, and what an invocation reports.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { createApp } from '../../src/create-app.js';
import { createLambdaHandler } from '../../src/lambda/create-lambda-handler.js';
import { RefreshFailedError } from '../../src/lambda/refresh-failed-error.js';
import { startEcrStandIn, type EcrStandIn } from '../../stand-ins/ecr-stand-in.js';
import { startSecretsApiStandIn, type SecretsApiStandIn } from '../../stand-ins/secrets-api-stand-in.js';

// Counted, not changed: how many apps (registry, clients) the handler builds.
vi.mock('../../src/create-app.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/create-app.js')>();
  return { ...actual, createApp: vi.fn(actual.createApp) };
});

let ecr: EcrStandIn;
let api: SecretsApiStandIn;
const saved = { ...process.env };
const context = { getRemainingTimeInMillis: () => 60_000, awsRequestId: 'req-1' };

beforeAll(async () => {
  [ecr, api] = await Promise.all([startEcrStandIn(), startSecretsApiStandIn({ provisioningDelayMs: 50 })]);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_ECR: ecr.url,
    AWS_ACCESS_KEY_ID: 'AKIAHANDLERTEST00001',
    AWS_SECRET_ACCESS_KEY: 'handler-secret-not-real',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
});
afterAll(async () => {
  process.env = saved;
  await Promise.all([ecr.close(), api.close()]);
});
beforeEach(() => {
  ecr.reset();
  api.reset();
});

function setup(env: Record<string, string>) {
  let now = Date.now();
  let key = api.apiKey;
  const reads: string[] = [];
  const lines: string[] = [];
  const handler = createLambdaHandler({
    env: {
      AWS_REGION: 'us-east-1',
      PCC_API_URL: api.url,
      PCC_API_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:pipecat-AbCdEf',
      PCC_SECRET_SET: 'handler-pull',
      RETRY_INITIAL_DELAY: '100ms',
      ...env,
    },
    version: 'test',
    keyReaderFor: (source) => async () => {
      reads.push(source.id);
      return key;
    },
    readFile: () => {
      throw new Error('no files here');
    },
    write: (line) => void lines.push(line),
    clock: { now: () => now },
  });
  return {
    handler,
    reads,
    lines,
    setKey: (value: string) => (key = value),
    later: (ms: number) => (now += ms),
  };
}

describe('the Lambda handler', () => {
  it('reads the key once for warm invocations, and again after 15 minutes', async () => {
    const fn = setup({});
    await fn.handler({}, context);
    fn.later(14 * 60_000);
    await fn.handler({}, context);
    expect(fn.reads).toHaveLength(1);
    fn.later(2 * 60_000);
    const result = await fn.handler({}, context);
    expect(fn.reads).toHaveLength(2);
    expect(result.refreshed.map((r) => r.secretSet)).toEqual(['handler-pull']);
    expect(api.getSet('handler-pull')?.status).toBe('ready');
  });

  it('reads the key again on the next invocation after the API refused it (a rotated key)', async () => {
    const fn = setup({});
    fn.setKey('pk_rotated_away_0123456789');
    await expect(fn.handler({}, context)).rejects.toThrow(
      new RefreshFailedError([{ secretSet: 'handler-pull', ok: false, error: { stage: 'push', reason: 'unauthorized' } as never }]).message,
    );
    fn.setKey(api.apiKey);
    await fn.handler({}, context);
    expect(fn.reads).toHaveLength(2);
    expect(fn.lines.join('')).not.toContain('pk_rotated_away_0123456789');
  });

  it('reuses one app (metrics registry, ECR and secrets API clients) across warm invocations, and builds a new one for a new key', async () => {
    const fn = setup({});
    vi.mocked(createApp).mockClear();
    for (let i = 0; i < 3; i++) await fn.handler({}, context);
    expect(vi.mocked(createApp)).toHaveBeenCalledTimes(1);
    expect(ecr.calls).toHaveLength(3);
    expect(api.requests.filter((r) => r.method === 'PUT')).toHaveLength(3);
    fn.setKey('pk_test_rotated_0123456789');
    fn.later(16 * 60_000);
    await fn.handler({}, context).catch(() => undefined);
    expect(vi.mocked(createApp)).toHaveBeenCalledTimes(2);
  });

  it('attempts nothing when the invocation has less time left than its safety margin', async () => {
    const fn = setup({});
    const short = { getRemainingTimeInMillis: () => 15_000, awsRequestId: 'req-short' };
    await expect(fn.handler({}, short)).rejects.toThrow('handler-pull (not_attempted)');
    expect(ecr.calls).toEqual([]);
    expect(api.requests).toEqual([]);
  });

  it('reports bad configuration on every invocation without reading the key or calling anything', async () => {
    const fn = setup({ PCC_SECRET_SET: '', REFRESHER_CONFIG: '{"targets": [{"secretSet": "x"}], "schedule": 5}' });
    for (let i = 0; i < 2; i++) {
      const error = await fn.handler({}, context).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((p) => p.field)).toEqual(['schedule', 'targets[0].secretSet']);
    }
    expect(fn.reads).toEqual([]);
    expect(ecr.calls).toEqual([]);
    expect(api.requests).toEqual([]);
  });
});
