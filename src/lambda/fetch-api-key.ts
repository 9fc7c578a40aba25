// Reads the Pipecat Cloud key from where the function's configuration says,
// with the official AWS SDK clients passed in: Secrets Manager GetSecretValue
// (SecretString) or SSM GetParameter with decryption. The value is checked like
// a key file: one trailing newline is ignored, anything else blank is refused.
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { networkFailureReason } from '../errors/network-failure-reason.js';
import { ApiKeyReadError } from './api-key-read-error.js';
import type { ApiKeySource } from './api-key-source.js';

export interface FetchApiKeyOptions {
  source: ApiKeySource;
  secretsManager: () => Pick<SecretsManagerClient, 'send'>;
  ssm: () => Pick<SSMClient, 'send'>;
  /** The endpoint the client will call, for error messages (scheme, host, port). */
  endpoint: string;
}

const PERMANENT = new Set([
  'AccessDeniedException',
  'ResourceNotFoundException',
  'ParameterNotFound',
  'ParameterVersionNotFound',
  'DecryptionFailure',
  'InvalidKeyId',
  'InvalidParameterException',
  'InvalidRequestException',
  'ValidationException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
]);

export function createApiKeyFetcher(options: FetchApiKeyOptions): () => Promise<string> {
  const { source, endpoint } = options;
  const what = source.kind === 'secrets-manager' ? `secret ${source.id}` : `parameter ${source.id}`;
  return async () => {
    let value: string | undefined;
    try {
      if (source.kind === 'secrets-manager') {
        value = (await options.secretsManager().send(new GetSecretValueCommand({ SecretId: source.id }))).SecretString;
      } else {
        const reply = await options.ssm().send(new GetParameterCommand({ Name: source.id, WithDecryption: true }));
        value = reply.Parameter?.Value;
      }
    } catch (error) {
      throw describeFailure(error, what, source, endpoint);
    }
    return checkValue(value, what, source);
  };
}

function describeFailure(error: unknown, what: string, source: ApiKeySource, endpoint: string): ApiKeyReadError {
  const { name = 'Error', message = String(error), $metadata } = (error ?? {}) as {
    name?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const status = $metadata?.httpStatusCode;
  const permanent = PERMANENT.has(name) || (status !== undefined && status >= 400 && status < 500 && status !== 429);
  const action = source.kind === 'secrets-manager' ? 'secretsmanager:GetSecretValue' : 'ssm:GetParameter';
  const hint = permanent
    ? `check ${source.field} and that the function's role may call ${action} on it (and kms:Decrypt for a customer managed key)`
    : 'a transient fault that the AWS SDK already retried; the next invocation tries again';
  const kind = networkFailureReason(error) ?? name;
  const detail = message.replace(/\s+/g, ' ').trim().slice(0, 300);
  return new ApiKeyReadError(`reading the Pipecat Cloud key from ${what} at ${endpoint} failed: ${kind}: ${detail}: ${hint}`, {
    retryable: !permanent,
    cause: error,
  });
}

function checkValue(value: string | undefined, what: string, source: ApiKeySource): string {
  const key = (value ?? '').replace(/\r?\n$/, '');
  const store = source.kind === 'secrets-manager' ? 'as the secret string (plain text, not JSON)' : 'as the parameter value';
  if (key.trim() === '') {
    throw new ApiKeyReadError(`${what} (${source.field}) holds no key: store your Pipecat Cloud private API key ${store}`, { retryable: false });
  }
  if (/\s/.test(key)) {
    throw new ApiKeyReadError(`${what} (${source.field}) has whitespace or a line break in the key: store only the key ${store}`, {
      retryable: false,
    });
  }
  return key;
}
