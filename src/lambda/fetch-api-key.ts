// Reads the Pipecat Cloud key from where the function's configuration says,
// with the official AWS SDK clients passed in: Secrets Manager GetSecretValue
// (SecretString) or SSM GetParameter with decryption, failing with the
// OutboundError every client throws. The value is checked like a key file:
// one trailing newline is ignored, anything else blank is refused.
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { FailureReason } from '../errors/classified-error.js';
import { networkFailureReason } from '../http/cause-chain.js';
import { OutboundError } from '../errors/outbound-error.js';
import { excerpt, statusMeaning } from '../http/reply.js';
import type { ApiKeySource } from './api-key-source.js';

export interface FetchApiKeyOptions {
  source: ApiKeySource;
  secretsManager: () => Pick<SecretsManagerClient, 'send'>;
  ssm: () => Pick<SSMClient, 'send'>;
  /** The endpoint the client will call, for error messages (scheme, host, port). */
  endpoint: string;
}

/** AWS error names by what they mean; only throttling is worth another try. */
const GROUPS: [FailureReason, boolean, string[]][] = [
  ['access_denied', false, ['AccessDeniedException', 'DecryptionFailure', 'InvalidKeyId']],
  ['not_found', false, ['ResourceNotFoundException', 'ParameterNotFound', 'ParameterVersionNotFound']],
  ['invalid_credentials', false, ['UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException']],
  ['bad_request', false, ['InvalidParameterException', 'InvalidRequestException', 'ValidationException']],
  ['throttled', true, ['ThrottlingException']],
];
const BY_NAME: Record<string, { reason: FailureReason; retryable: boolean }> = Object.fromEntries(
  GROUPS.flatMap(([reason, retryable, names]) => names.map((name) => [name, { reason, retryable }])),
);

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
    return checkValue(value, what, source, endpoint);
  };
}

function describeFailure(error: unknown, what: string, source: ApiKeySource, endpoint: string): OutboundError {
  const { name = 'Error', message = String(error), $metadata } = (error ?? {}) as {
    name?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const status = $metadata?.httpStatusCode;
  const network = networkFailureReason(error);
  const facts =
    BY_NAME[name] ??
    (network ? { reason: network, retryable: true } : undefined) ??
    (status === 429 ? { reason: 'throttled' as const, retryable: true } : undefined) ??
    (status !== undefined && status >= 400 ? statusMeaning(status) : { reason: 'unknown' as const, retryable: true });
  const action = source.kind === 'secrets-manager' ? 'secretsmanager:GetSecretValue' : 'ssm:GetParameter';
  const hint = facts.retryable
    ? 'a transient fault that the AWS SDK already retried; the next invocation tries again'
    : `check ${source.field} and that the function's role may call ${action} on it (and kms:Decrypt for a customer managed key)`;
  const detail = excerpt(message);
  return new OutboundError(`reading the Pipecat Cloud key from ${what} at ${endpoint} failed: ${network ?? name}: ${detail}: ${hint}`, {
    code: network ? 'ERR_OUTBOUND_NETWORK' : 'ERR_OUTBOUND_STATUS',
    endpoint,
    status,
    cause: error,
    ...facts,
  });
}

function checkValue(value: string | undefined, what: string, source: ApiKeySource, endpoint: string): string {
  const key = (value ?? '').replace(/\r?\n$/, '');
  const store = source.kind === 'secrets-manager' ? 'as the secret string (plain text, not JSON)' : 'as the parameter value';
  const refuse = (problem: string) =>
    new OutboundError(`${what} (${source.field}) ${problem} ${store}`, { code: 'ERR_OUTBOUND_REPLY', endpoint, reason: 'config', retryable: false });
  if (key.trim() === '') throw refuse('holds no key: store your Pipecat Cloud private API key');
  if (/\s/.test(key)) throw refuse('has whitespace or a line break in the key: store only the key');
  return key;
}
