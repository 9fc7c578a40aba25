// The key reader with the real AWS SDK clients against moto's Secrets Manager
// and SSM, and against a port where nothing listens.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiKeySource } from '../../src/lambda/api-key-source.js';
import { createApiKeyFetcher } from '../../src/lambda/fetch-api-key.js';
import { createProcessTracker } from '../support/create-process-tracker.js';
import { freePort } from '../support/free-port.js';
import { startMoto } from '../support/start-moto.js';

const tracker = createProcessTracker();
const home = mkdtempSync(join(tmpdir(), 'ecr-token-refresher-key-'));
const credentials = { accessKeyId: 'AKIAKEYREADERTEST001', secretAccessKey: 'key-reader-secret' };
let motoUrl: string;
const arns: Record<string, string> = {};

const clients = (endpoint: string) => {
  const aws = { region: 'us-east-1', endpoint, credentials, maxAttempts: 1 };
  return { secretsManager: () => new SecretsManagerClient(aws), ssm: () => new SSMClient(aws), endpoint };
};
const fetchKey = (source: ApiKeySource, endpoint = motoUrl) => createApiKeyFetcher({ source, ...clients(endpoint) })();
/** The error a read ends with (a read that succeeds fails the test). */
const failure = (read: Promise<string>) => read.then((key) => expect.fail(`read succeeded with a ${key.length}-character key`), (e: Error) => e);
const secret = (id: string): ApiKeySource => ({ kind: 'secrets-manager', field: 'PCC_API_KEY_SECRET_ARN', id });

beforeAll(async () => {
  motoUrl = (await startMoto(tracker, home)).url;
  const { secretsManager, ssm } = clients(motoUrl);
  for (const [name, value] of Object.entries({ plain: 'pk_live_plain_0123456789', spaced: 'pk_live two words', empty: '\n' })) {
    arns[name] = (await secretsManager().send(new CreateSecretCommand({ Name: `key-${name}`, SecretString: value }))).ARN!;
  }
  await ssm().send(new PutParameterCommand({ Name: '/pipecat/key', Type: 'SecureString', Value: 'pk_live_ssm_0123456789\n' }));
}, 60_000);
afterAll(async () => {
  await tracker.stopAll();
  rmSync(home, { recursive: true, force: true });
});

describe('reading the key from AWS', () => {
  it('returns the secret string or the decrypted parameter, without its trailing newline', async () => {
    await expect(fetchKey(secret(arns.plain!))).resolves.toBe('pk_live_plain_0123456789');
    await expect(fetchKey({ kind: 'ssm-parameter', field: 'PCC_API_KEY_PARAMETER', id: '/pipecat/key' })).resolves.toBe('pk_live_ssm_0123456789');
  });

  it('refuses an empty value or one with whitespace, as permanent, without printing it', async () => {
    await expect(fetchKey(secret(arns.empty!))).rejects.toMatchObject({ retryable: false, message: expect.stringMatching(/holds no key: store your Pipecat Cloud private API key as the secret string/) });
    const error = await failure(fetchKey(secret(arns.spaced!)));
    expect(error).toMatchObject({ code: 'ERR_OUTBOUND_REPLY', reason: 'config', retryable: false });
    expect(error.message).not.toContain('two words');
  });

  it('names the secret, the endpoint and the permission for a missing secret (permanent)', async () => {
    const missing = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gone-AbCdEf';
    const error = await failure(fetchKey(secret(missing)));
    expect(error).toMatchObject({ code: 'ERR_OUTBOUND_STATUS', reason: 'not_found', retryable: false, endpoint: motoUrl });
    expect(error.message).toMatch(new RegExp(`^reading the Pipecat Cloud key from secret ${missing} at ${motoUrl} failed: ResourceNotFoundException: `));
    expect(error.message).toMatch(/check PCC_API_KEY_SECRET_ARN and that the function's role may call secretsmanager:GetSecretValue on it/);
  });

  it('names the endpoint of a connection that fails, as retryable', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const error = await failure(fetchKey({ kind: 'ssm-parameter', field: 'PCC_API_KEY_PARAMETER', id: '/pipecat/key' }, closed));
    expect(error).toMatchObject({ code: 'ERR_OUTBOUND_NETWORK', reason: 'connection_error', retryable: true, endpoint: closed });
    expect(error.message).toMatch(new RegExp(`^reading the Pipecat Cloud key from parameter /pipecat/key at ${closed} failed: connection_error: `));
  });
});
