// The ECR clients the product builds, against the ECR stand-in over real HTTP:
// a hung request must end after REQUEST_TIMEOUT and be retried by the SDK.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEcrClientFactory } from '../../src/ecr/create-ecr-client-factory.js';
import { createTokenMinter } from '../../src/ecr/create-token-minter.js';
import { systemClock } from '../../src/schedule/clock.js';
import { startEcrStandIn, type EcrStandIn } from '../../stand-ins/ecr-stand-in.js';

const REQUEST_TIMEOUT_MS = 500;
let ecr: EcrStandIn;

beforeAll(async () => {
  ecr = await startEcrStandIn();
  vi.stubEnv('AWS_ENDPOINT_URL_ECR', ecr.url);
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
      clientFor: createEcrClientFactory({ requestTimeoutMs: REQUEST_TIMEOUT_MS }),
      clock: systemClock,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
    });

    const started = Date.now();
    const token = await mint({ awsRegion: 'us-east-1' });
    const elapsed = Date.now() - started;

    expect(token.password).toBe(ecr.issued[0]!.password);
    expect(ecr.calls.map((c) => c.attempt)).toEqual([1, 2]);
    const waited = ecr.calls[1]!.at - ecr.calls[0]!.at;
    expect(waited).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    // Before: the hung request was only warned about and held until the outer 4 x REQUEST_TIMEOUT abort.
    expect(elapsed).toBeLessThan(2 * REQUEST_TIMEOUT_MS + 500);
  });
});
