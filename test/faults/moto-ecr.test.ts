// The mint path against moto's server mode, an ECR implementation written
// independently of this project's stand-in: the product's own minter
// (createTokenMinter + createEcrClientFactory, the real AWS SDK, endpoint from
// AWS_ENDPOINT_URL_ECR) and full one-shot runs against moto and the secrets
// API stand-in.
//
// moto (5.2.x) gives every token the fixed expiry 2015-01-01. The refresher
// rightly refuses an expired token, and the CLI run against moto as it is
// checks exactly that: exit 1, reason token_expired, nothing pushed. For the
// success path the in-process run gets a clock set to the end of 2014, and
// the CLI run (whose clock cannot be set) goes through a proxy that moves
// only `expiresAt` in moto's reply.
//
// moto_server comes from scripts/install-test-tools (.tools/bin, on PATH via
// scripts/test); without it the test fails, naming that script.
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/create-app.js';
import { createEcrClientFactory } from '../../src/ecr/create-ecr-client-factory.js';
import { createTokenMinter } from '../../src/ecr/create-token-minter.js';
import type { OutboundError } from '../../src/errors/outbound-error.js';
import { systemClock, type Clock } from '../../src/schedule/clock.js';
import type { SecretsApiStandIn } from '../../stand-ins/secrets-api-stand-in.js';
import type { BuiltCli } from '../support/create-built-cli.js';
import type { ProcessTracker } from '../support/create-process-tracker.js';
import { makeConfig, makeTarget } from '../support/make-config.js';
import { startMoto } from '../support/start-moto.js';
import { systemTest } from '../support/system-test.js';
import { startExpiryMovingProxy } from './support/start-expiry-moving-proxy.js';

const MOTO_ACCOUNT = '123456789012';
const MOTO_EXPIRY = Date.UTC(2015, 0, 1);
systemTest.override({ standInOptions: { api: { provisioningDelayMs: 50 } } });
let tracker: ProcessTracker;
let dir: string;
let motoUrl: string;
let cli: BuiltCli;
let api: SecretsApiStandIn;
/** Set when moto_server is not on PATH: every test then fails with it, none is skipped. */
let missingTool: Error | undefined;

/** A clock running from the last day of 2014, when moto's tokens are still valid. */
function clockBeforeMotoExpiry(): Clock {
  const offset = Date.now() - (MOTO_EXPIRY - 24 * 3600_000);
  return { now: () => Date.now() - offset };
}

const motoPassword = (registryId: string) => `${registryId}-auth-token`;

function awsEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_ECR: endpoint,
    AWS_ACCESS_KEY_ID: 'AKIAMOTOTESTEXAMPLE1',
    AWS_SECRET_ACCESS_KEY: 'moto-secret-access-key',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(dir, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
  };
}

systemTest.beforeAll(async ({ processes, home, api: apiStandIn, cli: builtCli }) => {
  [tracker, dir, api, cli] = [processes, home, apiStandIn, builtCli];
  try {
    motoUrl = (await startMoto(tracker, dir)).url;
  } catch (error) {
    missingTool = error as Error;
    return;
  }
  for (const [name, value] of Object.entries(awsEnv(motoUrl))) vi.stubEnv(name, value);
}, 120_000);

beforeEach(() => {
  if (missingTool) throw missingTool;
});

afterAll(async () => {
  vi.unstubAllEnvs();
});

describe('minting from moto with the product minter', () => {
  const mint = (clock: Clock) =>
    createTokenMinter({ clientFor: createEcrClientFactory({ requestTimeoutMs: 5_000, endpointUrl: motoUrl }), clock, requestTimeoutMs: 5_000 });

  it("decodes moto's token and proxy endpoint for the caller's own registry", async () => {
    const clock = clockBeforeMotoExpiry();
    const before = clock.now();
    const token = await mint(clock)({ awsRegion: 'us-east-1' });
    // When it was minted, on the minter's clock: the token's real lifetime is measured from it.
    expect(token.mintedAt).toBeGreaterThanOrEqual(before);
    expect(token.mintedAt).toBeLessThanOrEqual(clock.now());
    expect(token).toEqual({
      mintedAt: token.mintedAt,
      password: motoPassword(MOTO_ACCOUNT),
      authorizationToken: Buffer.from(`AWS:${motoPassword(MOTO_ACCOUNT)}`).toString('base64'),
      expiresAt: MOTO_EXPIRY,
      proxyEndpoint: `https://${MOTO_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`,
      registryHost: `${MOTO_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`,
    });
  });

  it('asks for another registry and region by registryIds and the signing region', async () => {
    const token = await mint(clockBeforeMotoExpiry())({ awsRegion: 'eu-west-1', registryId: '210987654321' });
    expect(token.password).toBe(motoPassword('210987654321'));
    expect(token.proxyEndpoint).toBe('https://210987654321.dkr.ecr.eu-west-1.amazonaws.com');
  });

  it("refuses moto's already-expired token with the real clock (token_expired)", async () => {
    const error = (await mint(systemClock)({ awsRegion: 'us-east-1' }).catch((e: unknown) => e)) as OutboundError;
    expect(error).toMatchObject({ code: 'ERR_OUTBOUND_REPLY', reason: 'token_expired', retryable: true, endpoint: motoUrl });
    expect(error.message).toContain('expired at 2015-01-01T00:00:00.000Z');
  });
});

describe('one-shot runs against moto and the secrets API stand-in', () => {
  it('in-process --once run: the set ends ready holding moto\'s token for its proxy endpoint', async () => {
    api.reset();
    const app = createApp({
      config: makeConfig({
        apiUrl: api.url,
        apiKey: api.apiKey,
        targets: [makeTarget({ secretSet: 'ecr-moto', awsRegion: 'us-east-1' })],
        requestTimeoutMs: 5_000,
        confirmTimeoutMs: 5_000,
      }),
      version: 'test',
      clock: clockBeforeMotoExpiry(),
      logDestination: { write: () => undefined },
    });
    const outcomes = await app.runOnce();
    expect(await app.finishOnce()).toBe(true);
    expect(outcomes).toEqual([{ secretSet: 'ecr-moto', ok: true, expiresAt: MOTO_EXPIRY }]);
    const set = api.getSet('ecr-moto');
    expect(set).toMatchObject({ status: 'ready', type: 'imagePullSecret', host: `https://${MOTO_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/` });
    expect(Buffer.from(set!.secretValue!, 'base64').toString('utf8')).toBe(`AWS:${motoPassword(MOTO_ACCOUNT)}`);
  });

  it('node dist/cli.js --once against moto as it is: exit 1, token_expired, nothing pushed', async () => {
    api.reset();
    const run = await cli.run(['--once'], { env: cliEnv(motoUrl, 'ecr-moto-expired'), timeoutMs: 30_000 });
    expect(run.code, run.stderr).toBe(1);
    const failures = logEntries(run.stdout).filter((e) => String(e.msg).startsWith('refresh failed'));
    expect(failures.length).toBeGreaterThan(0);
    for (const line of failures) expect(line).toMatchObject({ secretSet: 'ecr-moto-expired', stage: 'mint', reason: 'token_expired' });
    expect(api.requests.filter((r) => r.method === 'PUT')).toEqual([]);
    expect(api.getSet('ecr-moto-expired')).toBeUndefined();
  });

  it("node dist/cli.js --once with moto's expiry moved to 12 h ahead: exit 0, the set holds AWS:<moto password> for moto's host", async () => {
    api.reset();
    const proxy = await startExpiryMovingProxy(motoUrl, () => new Date(Date.now() + 12 * 3600_000));
    try {
      const run = await cli.run(['--once'], { env: cliEnv(proxy.url, 'ecr-moto-cli'), timeoutMs: 30_000 });
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      const set = api.getSet('ecr-moto-cli');
      expect(set).toMatchObject({ status: 'ready', host: `https://${MOTO_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/` });
      expect(Buffer.from(set!.secretValue!, 'base64').toString('utf8')).toBe(`AWS:${motoPassword(MOTO_ACCOUNT)}`);
      expect(run.stdout).not.toContain(motoPassword(MOTO_ACCOUNT));
    } finally {
      await proxy.close();
    }
  });
});

function cliEnv(endpoint: string, secretSet: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: dir,
    ...awsEnv(endpoint),
    AWS_REGION: 'us-east-1',
    PCC_API_URL: api.url,
    PCC_API_KEY: api.apiKey,
    PCC_SECRET_SET: secretSet,
    METRICS_HOST: '127.0.0.1',
    METRICS_PORT: '0',
    REQUEST_TIMEOUT: '5s',
    RETRY_INITIAL_DELAY: '100ms',
    RETRY_MAX_DELAY: '1s',
  };
}

function logEntries(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
