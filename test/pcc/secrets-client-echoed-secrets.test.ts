// A secrets API whose error or status messages quote what it was sent: the
// client's errors (which reach the log and the alert webhook) must not repeat
// the pushed value or the key, not even a piece of them cut by a length limit.
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RefreshError } from '../../src/errors/refresh-error.js';
import { createSecretsClient } from '../../src/pcc/create-secrets-client.js';

const ORIGIN = 'https://api.example.test';
const KEY = 'pk_live_5f1c3e7a9b2d4f6a8c0e1b3d5f7a9c2e';
// Shaped like an ECR value: base64 of "AWS:" and a long base64 password.
const VALUE = Buffer.from(`AWS:${Buffer.from('x'.repeat(1200).replace(/x/g, (_, i: number) => String.fromCharCode(33 + ((i * 7) % 90)))).toString('base64')}`).toString('base64');
let agent: MockAgent;

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
});
afterEach(async () => {
  agent.assertNoPendingInterceptors();
  await agent.close();
});

function client() {
  return createSecretsClient({ apiUrl: `${ORIGIN}/v1`, apiKey: KEY, requestTimeoutMs: 2_000, clock: { now: () => Date.now() }, dispatcher: agent });
}

async function failure(promise: Promise<unknown>): Promise<RefreshError> {
  try {
    await promise;
  } catch (error) {
    return error as RefreshError;
  }
  throw new Error('expected a failure');
}

function pieces(secret: string, size = 24): string[] {
  const out: string[] = [];
  for (let i = 0; i + size <= secret.length; i += size / 2) out.push(secret.slice(i, i + size));
  return out;
}

describe('secrets client errors quoting what was sent', () => {
  it('does not repeat a pushed value that a 400 quotes, even cut short', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: '/v1/secrets/ecr-pull', method: 'PUT' })
      .reply(400, { error: `Invalid secretValue: '${VALUE}' is not accepted`, code: 'GENERIC_BAD_REQUEST' });
    const error = await failure(client().putSet('ecr-pull', { isImagePullSecret: true, host: 'https://h.example', secretValue: VALUE }));
    expect(error.reason).toBe('bad_request');
    expect(error.message).toContain('Invalid secretValue');
    expect(error.message).toContain('[REDACTED]');
    for (const piece of pieces(VALUE)) expect(error.message).not.toContain(piece);
  });

  it('does not repeat the triplet password or the key, and keeps the registry host', async () => {
    const password = Buffer.from('y'.repeat(900)).toString('base64');
    agent
      .get(ORIGIN)
      .intercept({ path: '/v1/secrets/ecr-pull', method: 'PUT' })
      .reply(409, { error: `conflict for key ${KEY} on 1234.dkr.ecr.us-east-1.amazonaws.com with ${password}`, code: 'CONFLICT' });
    const error = await failure(
      client().putSet('ecr-pull', {
        secrets: [
          { secretKey: 'username', secretValue: 'AWS' },
          { secretKey: 'password', secretValue: password },
          { secretKey: 'registry', secretValue: '1234.dkr.ecr.us-east-1.amazonaws.com' },
        ],
      }),
    );
    expect(error.message).toContain('1234.dkr.ecr.us-east-1.amazonaws.com');
    expect(error.message).not.toContain(KEY);
    for (const piece of pieces(password)) expect(error.message).not.toContain(piece);
  });

  it('does not repeat a value quoted in a failed set\'s errorMessage', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: '/v1/secrets', method: 'GET' })
      .reply(200, { sets: [{ name: 'ecr-pull', type: 'imagePullSecret', region: 'us-west', status: 'failed', errorMessage: `cannot decode ${VALUE.slice(0, 200)}` }] });
    const [set] = await client().listSets();
    expect(set?.errorMessage).toBe('cannot decode [REDACTED]');
  });
});
