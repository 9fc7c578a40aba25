// The ECR clients the product builds, against the ECR stand-in over real HTTP:
// a hung request must end after REQUEST_TIMEOUT and be retried by the SDK, and
// every failure names the endpoint it tried (ECR's, or STS's for a role).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEcrClientFactory } from '../../src/ecr/create-ecr-client-factory.js';
import { createTokenMinter } from '../../src/ecr/create-token-minter.js';
import { systemClock } from '../../src/schedule/clock.js';
import { startEcrStandIn, type EcrStandIn } from '../../stand-ins/ecr-stand-in.js';
import { freePort } from '../support/free-port.js';

const REQUEST_TIMEOUT_MS = 500;
let ecr: EcrStandIn;

beforeAll(async () => {
  ecr = await startEcrStandIn();
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAFACTORYTEST00001');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'factory-test-secret');
  vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws-credentials');
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await ecr?.close();
});

describe('createEcrClientFactory', () => {
  it('abandons a hung GetAuthorizationToken after REQUEST_TIMEOUT and lets the SDK retry it', async () => {
    ecr.reset();
    ecr.failNext(1, { kind: 'hang' });
    const mint = createTokenMinter({
      clientFor: createEcrClientFactory({ requestTimeoutMs: REQUEST_TIMEOUT_MS, endpointUrl: ecr.url }),
      clock: systemClock,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
    });

    const token = await mint({ awsRegion: 'us-east-1' });

    expect(token.password).toBe(ecr.issued[0]!.password);
    expect(ecr.calls.map((c) => c.attempt)).toEqual([1, 2]);
    const waited = ecr.calls[1]!.at - ecr.calls[0]!.at;
    expect(waited).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    // Before: the hung request was only warned about and held until the outer 4 x REQUEST_TIMEOUT abort;
    // the retry now reaches ECR before that abort could have fired.
    expect(waited).toBeLessThan(4 * REQUEST_TIMEOUT_MS);
  });

  it('names the endpoint override it could not reach, with its port', async () => {
    const port = await freePort();
    const mint = createTokenMinter({
      clientFor: createEcrClientFactory({ requestTimeoutMs: REQUEST_TIMEOUT_MS, endpointUrl: `http://127.0.0.1:${port}`, maxAttempts: 1 }),
      clock: systemClock,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
    });
    const error = await mint({ awsRegion: 'us-east-1' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'OutboundError', code: 'ERR_OUTBOUND_NETWORK', reason: 'connection_error', retryable: true, endpoint: `http://127.0.0.1:${port}` });
    expect((error as Error).message).toContain(`ECR GetAuthorizationToken http://127.0.0.1:${port} failed for the default registry in us-east-1`);
  });

  it('names the regional endpoint the SDK resolves when there is no override', () => {
    const factory = createEcrClientFactory({ requestTimeoutMs: REQUEST_TIMEOUT_MS });
    expect(factory.endpoint?.({ awsRegion: 'eu-west-1' })).toBe('https://api.ecr.eu-west-1.amazonaws.com:443');
    expect(factory.endpoint?.({ awsRegion: 'cn-north-1' })).toBe('https://api.ecr.cn-north-1.amazonaws.com.cn:443');
  });

  it('names the STS endpoint and the role when the role cannot be assumed', async () => {
    const port = await freePort();
    const roleArn = 'arn:aws:iam::123456789012:role/puller';
    const mint = createTokenMinter({
      clientFor: createEcrClientFactory({ requestTimeoutMs: REQUEST_TIMEOUT_MS, endpointUrl: ecr.url, stsEndpointUrl: `http://127.0.0.1:${port}` }),
      clock: systemClock,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
    });
    ecr.reset();
    const error = await mint({ awsRegion: 'us-east-1', roleArn }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_OUTBOUND_NETWORK', retryable: true, endpoint: `http://127.0.0.1:${port}` });
    expect((error as Error).message).toContain(`STS AssumeRole http://127.0.0.1:${port} failed for role ${roleArn}`);
    expect(ecr.calls).toEqual([]);
  });
});
