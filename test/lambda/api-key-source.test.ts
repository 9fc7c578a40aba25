import { describe, expect, it } from 'vitest';
import { readApiKeySource } from '../../src/lambda/api-key-source.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:pipecat-api-key-AbCdEf';

describe('where the Lambda reads the key from', () => {
  it('takes a Secrets Manager ARN or an SSM parameter name or ARN', () => {
    expect(readApiKeySource({ PCC_API_KEY_SECRET_ARN: ARN })).toEqual({
      source: { kind: 'secrets-manager', field: 'PCC_API_KEY_SECRET_ARN', id: ARN },
      problems: [],
    });
    for (const id of ['/pipecat/api-key', 'pipecat-key', 'arn:aws:ssm:eu-west-1:123456789012:parameter/pipecat/api-key']) {
      expect(readApiKeySource({ PCC_API_KEY_PARAMETER: id }).source).toEqual({ kind: 'ssm-parameter', field: 'PCC_API_KEY_PARAMETER', id });
    }
  });

  it('refuses a key in a plain environment variable without printing it, and asks for one source', () => {
    const key = 'pk_live_pasted_into_env_0123456789';
    const { source, problems } = readApiKeySource({ PCC_API_KEY: key, PCC_API_KEY_FILE: '/run/key' });
    expect(source).toBeUndefined();
    expect(problems.map((p) => p.field)).toEqual(['PCC_API_KEY', 'PCC_API_KEY_FILE', 'PCC_API_KEY_SECRET_ARN']);
    expect(problems[0]!.message).toMatch(/store the key in Secrets Manager and set PCC_API_KEY_SECRET_ARN/);
    expect(JSON.stringify(problems)).not.toContain(key);
  });

  it('refuses both sources at once, a secret name where the ARN belongs, and a bad parameter name', () => {
    expect(readApiKeySource({ PCC_API_KEY_SECRET_ARN: ARN, PCC_API_KEY_PARAMETER: '/p' }).problems[0]!.message).toBe(
      'both PCC_API_KEY_SECRET_ARN and PCC_API_KEY_PARAMETER are set: give the key one way only',
    );
    expect(readApiKeySource({ PCC_API_KEY_SECRET_ARN: 'pipecat-api-key' }).problems[0]!.message).toMatch(
      /^"pipecat-api-key" is not a Secrets Manager secret ARN: use the full ARN/,
    );
    expect(readApiKeySource({ PCC_API_KEY_PARAMETER: '/pipecat key' }).problems[0]!.field).toBe('PCC_API_KEY_PARAMETER');
  });
});
