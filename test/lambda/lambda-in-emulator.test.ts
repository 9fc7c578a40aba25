// The real function, bundled and packaged as it is deployed (index.mjs alone
// in a folder outside the repository),
// inside the AWS Lambda Runtime Interface Emulator with the Node Runtime
// Interface Client, invoked over the emulator's HTTP API. Around it: the ECR
// and secrets-API stand-ins, and moto as Secrets Manager and SSM, holding the
// Pipecat key. What is checked is what an operator sees: the invocation's
// result or error, the set in the secrets API, and the EMF and log lines.
//
// Tools: aws-lambda-rie and aws-lambda-ric from scripts/test-tools/lambda.sh,
// moto_server and Node 24 from scripts/install-test-tools and
// scripts/install-node-runtimes (all run by scripts/test).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, DeleteSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEcrStandIn, type EcrStandIn } from '../../stand-ins/ecr-stand-in.js';
import { startSecretsApiStandIn, type SecretsApiStandIn } from '../../stand-ins/secrets-api-stand-in.js';
import { createProcessTracker } from '../support/create-process-tracker.js';
import { ROOT } from '../support/root.js';
import { findSecretLeaks } from '../support/find-secret-leaks.js';
import { packageFunction } from './support/package-function.js';
import { startLambdaEmulator, type LambdaEmulator } from './support/start-lambda-emulator.js';
import { startMoto } from '../support/start-moto.js';
import { emfLines } from './support/emf-lines.js';

const tracker = createProcessTracker();
const home = mkdtempSync(join(tmpdir(), 'ecr-token-refresher-lambda-'));
const API_KEY = 'pk_live_lambda_emulator_key_0123456789abcdef';
const credentials = { accessKeyId: 'AKIALAMBDATESTEXAMPLE', secretAccessKey: 'lambda-test-secret-access-key' };
let ecr: EcrStandIn;
let api: SecretsApiStandIn;
let motoUrl: string;
let secretArn: string;
let codeDir: string;
const emulators: LambdaEmulator[] = [];

function functionEnv(extra: Record<string, string>): Record<string, string> {
  return {
    HOME: home,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_ENDPOINT_URL_ECR: ecr.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: motoUrl,
    AWS_ENDPOINT_URL_SSM: motoUrl,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
    PCC_API_URL: api.url,
    CONFIRM_TIMEOUT: '10s',
    RETRY_INITIAL_DELAY: '1s',
    ...extra,
  };
}

async function emulator(extra: Record<string, string>, timeoutSeconds?: number, node?: string) {
  const started = await startLambdaEmulator({ tracker, codeDir, env: functionEnv(extra), timeoutSeconds, node });
  emulators.push(started);
  return started;
}

beforeAll(async () => {
  codeDir = await packageFunction(join(home, 'task'));
  [ecr, api] = await Promise.all([startEcrStandIn(), startSecretsApiStandIn({ apiKey: API_KEY, provisioningDelayMs: 100 })]);
  motoUrl = (await startMoto(tracker, home)).url;
  const aws = { region: 'us-east-1', endpoint: motoUrl, credentials };
  const created = await new SecretsManagerClient(aws).send(new CreateSecretCommand({ Name: 'pipecat-api-key', SecretString: `${API_KEY}\n` }));
  secretArn = created.ARN!;
  await new SSMClient(aws).send(new PutParameterCommand({ Name: '/pipecat/api-key', Type: 'SecureString', Value: API_KEY }));
}, 120_000);

afterAll(async () => {
  await tracker.stopAll();
  await Promise.all([ecr?.close(), api?.close()]);
  rmSync(home, { recursive: true, force: true });
});

describe('the function in the Lambda Runtime Interface Emulator', () => {
  it('pushes a fresh token, waits for ready, returns the expiry and writes EMF lines that carry it', async () => {
    const fn = await emulator({ PCC_API_KEY_SECRET_ARN: secretArn, PCC_SECRET_SET: 'lambda-pull' });
    const result = await fn.invoke({ source: 'aws.scheduler' });

    expect(result.failed, JSON.stringify(result.body)).toBe(false);
    const token = ecr.issued.at(-1)!;
    expect(result.body).toEqual({ refreshed: [{ secretSet: 'lambda-pull', expiresAt: token.expiresAt.toISOString() }] });
    const set = api.getSet('lambda-pull');
    expect(set?.status).toBe('ready');
    expect(api.requests.filter((r) => r.method === 'PUT').map((r) => r.authorization)).toEqual([`Bearer ${API_KEY}`]);

    const [line, summary] = emfLines(fn.output());
    expect(line).toMatchObject({ SecretSet: 'lambda-pull', RefreshSuccess: 1, RefreshFailure: 0, tokenExpiresAt: token.expiresAt.toISOString() });
    expect(line!._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'EcrTokenRefresher', Dimensions: [['SecretSet'], []] });
    expect(line!._aws.CloudWatchMetrics[0]!.Metrics.map((m: { Name: string }) => m.Name)).toEqual([
      'TokenSecondsLeft',
      'RefreshSuccess',
      'RefreshFailure',
      'RefreshDuration',
    ]);
    const left = line!.TokenSecondsLeft as number;
    expect(Math.abs(left - (token.expiresAt.getTime() - line!._aws.Timestamp) / 1000)).toBeLessThanOrEqual(1);
    expect(left).toBeGreaterThan(43_000);
    expect(summary).toMatchObject({ AllTargetsRefreshed: 1, targets: 1 });
  }, 60_000);

  it('keeps the key across warm invocations: a second run succeeds after the secret is gone', async () => {
    const name = 'pipecat-api-key-warm';
    const aws = new SecretsManagerClient({ region: 'us-east-1', endpoint: motoUrl, credentials });
    const arn = (await aws.send(new CreateSecretCommand({ Name: name, SecretString: API_KEY }))).ARN!;
    const fn = await emulator({ PCC_API_KEY_SECRET_ARN: arn, PCC_SECRET_SET: 'lambda-warm' });
    expect((await fn.invoke()).failed).toBe(false);
    await aws.send(new DeleteSecretCommand({ SecretId: arn, ForceDeleteWithoutRecovery: true }));

    const warm = await fn.invoke();
    expect(warm.failed, JSON.stringify(warm.body)).toBe(false);
    expect(api.requests.filter((r) => r.method === 'PUT' && r.path === '/v1/secrets/lambda-warm')).toHaveLength(2);
  }, 60_000);

  it.each([
    ['20', process.execPath],
    ['22', join(ROOT, '.tools', 'node22', 'bin', 'node')],
  ])('runs on Node %s too (the bundle targets every Node the project supports)', async (major, node) => {
    const fn = await emulator({ PCC_API_KEY_SECRET_ARN: secretArn, PCC_SECRET_SET: `lambda-node${major}` }, undefined, node);
    const result = await fn.invoke();
    expect(result.failed, JSON.stringify(result.body)).toBe(false);
    expect(fn.output()).toContain(`exec '${node}'`);
    expect(api.getSet(`lambda-node${major}`)?.status).toBe('ready');
  }, 60_000);

  it('refreshes several sets from REFRESHER_CONFIG, the form the template writes, with a line for each', async () => {
    const config = JSON.stringify({ targets: [{ secretSet: 'lambda-many-a' }, { secretSet: 'lambda-many-b', format: 'triplet' }] });
    const fn = await emulator({ PCC_API_KEY_SECRET_ARN: secretArn, REFRESHER_CONFIG: config });
    const result = await fn.invoke();
    expect(result.failed, JSON.stringify(result.body)).toBe(false);
    expect((result.body.refreshed as { secretSet: string }[]).map((r) => r.secretSet)).toEqual(['lambda-many-a', 'lambda-many-b']);
    expect([api.getSet('lambda-many-a')?.status, api.getSet('lambda-many-b')?.status]).toEqual(['ready', 'ready']);
    const lines = emfLines(fn.output());
    expect(lines.map((l) => l.SecretSet ?? 'summary')).toEqual(['lambda-many-a', 'lambda-many-b', 'summary']);
    expect(lines[2]).toMatchObject({ AllTargetsRefreshed: 1, targets: 2 });
  }, 60_000);

  it('reads the key from an SSM SecureString parameter', async () => {
    const fn = await emulator({ PCC_API_KEY_PARAMETER: '/pipecat/api-key', PCC_SECRET_SET: 'lambda-ssm' });
    const result = await fn.invoke();
    expect(result.failed, JSON.stringify(result.body)).toBe(false);
    expect(api.getSet('lambda-ssm')?.status).toBe('ready');
  }, 60_000);

  it('reports an error when the secrets API keeps failing, naming the set, stage and reason', async () => {
    api.setFault({ kind: 'status', status: 503 }, 'put');
    try {
      const fn = await emulator({ PCC_API_KEY_SECRET_ARN: secretArn, PCC_SECRET_SET: 'lambda-failing' });
      const result = await fn.invoke();
      expect(result.failed).toBe(true);
      expect(result.body).toMatchObject({
        errorType: 'RefreshFailedError',
        errorMessage: '1 of 1 secret sets not refreshed: lambda-failing (push: server_error); see the log lines of this invocation',
      });
      const puts = api.requests.filter((r) => r.method === 'PUT' && r.path === '/v1/secrets/lambda-failing');
      expect(puts.length).toBeGreaterThan(1);
      const [line, summary] = emfLines(fn.output());
      expect(line).toMatchObject({ SecretSet: 'lambda-failing', RefreshSuccess: 0, RefreshFailure: 1, stage: 'push', reason: 'server_error' });
      expect(line).not.toHaveProperty('TokenSecondsLeft');
      expect(summary).toMatchObject({ AllTargetsRefreshed: 0 });
    } finally {
      api.setFault(undefined, 'put');
    }
  }, 90_000);

  it('stops retrying before the Lambda timeout and reports the failure itself', async () => {
    api.setFault({ kind: 'hang' }, 'put');
    try {
      // 24 s to run, 20 s of margin: no attempt starts after 4 s, and the one
      // in flight gives up after REQUEST_TIMEOUT.
      const timeoutSeconds = 24;
      const fn = await emulator({ PCC_API_KEY_SECRET_ARN: secretArn, PCC_SECRET_SET: 'lambda-deadline', REQUEST_TIMEOUT: '5s' }, timeoutSeconds);
      const result = await fn.invoke();
      expect(result.body).toMatchObject({
        errorType: 'RefreshFailedError',
        errorMessage: '1 of 1 secret sets not refreshed: lambda-deadline (push: timeout); see the log lines of this invocation',
      });
      expect(api.requests.filter((r) => r.method === 'PUT' && r.path === '/v1/secrets/lambda-deadline')).toHaveLength(1);
      // The function ended itself, before the Lambda's own timeout could (cold start included).
      expect(fn.output()).not.toContain('Task timed out');
      expect(result.durationMs).toBeLessThan(timeoutSeconds * 1000);
    } finally {
      api.setFault(undefined, 'put');
    }
  }, 90_000);

  it('reports a key it cannot read with the secret, the endpoint and the fix, and pushes nothing', async () => {
    const missing = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:never-created-AbCdEf';
    const before = api.requests.length;
    const fn = await emulator({ PCC_API_KEY_SECRET_ARN: missing, PCC_SECRET_SET: 'lambda-no-key' });
    const result = await fn.invoke();
    expect(result.body.errorType).toBe('OutboundError');
    expect(result.body.errorMessage).toMatch(
      new RegExp(`^reading the Pipecat Cloud key from secret ${missing} at ${motoUrl} failed: ResourceNotFoundException: .*: check PCC_API_KEY_SECRET_ARN and that the function's role may call secretsmanager:GetSecretValue on it`),
    );
    expect(api.requests.length).toBe(before);
  }, 60_000);

  it('fails at once on bad configuration, with one message per problem, and sends nothing', async () => {
    const before = { ecr: ecr.calls.length, api: api.requests.length };
    const fn = await emulator({ PCC_API_KEY: API_KEY, PCC_SECRET_SET: 'Bad_Name', REFRESH_MARGIN: 'soon' });
    const result = await fn.invoke();
    expect(result.failed).toBe(true);
    expect(result.body.errorType).toBe('ConfigError');
    const message = result.body.errorMessage as string;
    expect(message).toMatch(/^invalid configuration \(4 problems\):/);
    expect(message).toContain('  PCC_API_KEY: is not used by the Lambda function');
    expect(message).toContain('  PCC_API_KEY_SECRET_ARN: no API key: set PCC_API_KEY_SECRET_ARN');
    expect(message).toContain('  REFRESH_MARGIN:');
    expect(message).toContain('  PCC_SECRET_SET: "Bad_Name" is not a valid secret set name');
    expect({ ecr: ecr.calls.length, api: api.requests.length }).toEqual(before);
    // At once: a cold start on a loaded machine, not a retry until the 60 s timeout.
    expect(result.durationMs).toBeLessThan(15_000);
  }, 60_000);

  it('is deployed as index.mjs and its licence notices, with no source map', () => {
    expect(readdirSync(codeDir).sort()).toEqual(['index.mjs', 'lambda.js.LEGAL.txt']);
    expect(readFileSync(join(codeDir, 'index.mjs'), 'utf8')).not.toMatch(/sourceMappingURL/);
  });

  it('is what package.json exports as ./lambda, with `handler` exported', () => {
    const probe = "const m = await import('ecr-token-refresher/lambda'); console.log(import.meta.resolve('ecr-token-refresher/lambda'), typeof m.handler)";
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, AWS_REGION: 'us-east-1' } });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(`file://${join(ROOT, 'dist', 'lambda.js')} function`);
  });

  it('leaves no key or token in anything the emulator, the runtime client or the function printed', () => {
    const secrets = [
      { label: 'API key', value: API_KEY },
      ...ecr.issued.flatMap((t, i) => [
        { label: `token ${i}`, value: t.password },
        { label: `token ${i} authorizationToken`, value: t.authorizationToken },
      ]),
    ];
    expect(ecr.issued.length).toBeGreaterThan(2);
    const output = emulators.map((e) => e.output()).join('\n');
    expect(findSecretLeaks(output, secrets)).toEqual([]);
  });
});
