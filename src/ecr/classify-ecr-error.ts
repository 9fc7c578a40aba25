// Turns whatever the AWS SDK threw into a RefreshError with a stable reason.
// Client-side problems (permissions, credentials, parameters) are permanent;
// throttling, server faults, network faults and garbled replies are retried.
import { RefreshError, type FailureReason } from '../errors/refresh-error.js';
import { networkFailureReason } from '../errors/network-failure-reason.js';

const THROTTLING = new Set(['ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'Throttling']);
const ACCESS_DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation']);
const BAD_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'ExpiredToken',
  'InvalidClientTokenId',
  'MissingAuthenticationTokenException',
  'IncompleteSignatureException',
  'CredentialsProviderError',
  'SignatureDoesNotMatch',
]);
const BAD_REQUEST = new Set(['InvalidParameterException', 'ValidationException', 'UnknownOperationException']);

interface SdkErrorShape {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

export function classifyEcrError(error: unknown, context: string): RefreshError {
  if (error instanceof RefreshError) return error;
  const e = (error ?? {}) as SdkErrorShape;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const network = networkFailureReason(error);

  let reason: FailureReason;
  let retryable: boolean;
  if (THROTTLING.has(name) || status === 429) [reason, retryable] = ['throttled', true];
  else if (ACCESS_DENIED.has(name)) [reason, retryable] = ['access_denied', false];
  else if (BAD_CREDENTIALS.has(name)) [reason, retryable] = ['invalid_credentials', false];
  else if (BAD_REQUEST.has(name)) [reason, retryable] = ['bad_request', false];
  else if (network) [reason, retryable] = [network, true];
  else if (status !== undefined && status >= 500) [reason, retryable] = ['server_error', true];
  else if (status !== undefined && status >= 400) [reason, retryable] = ['bad_request', false];
  else if (name === 'SyntaxError' || /deserializ|unexpected token|json/i.test(e.message ?? '')) [reason, retryable] = ['bad_response', true];
  else [reason, retryable] = ['unknown', true];

  const detail = oneLine(e.message ?? String(error));
  const hint = HINTS[reason] ?? '';
  return new RefreshError(`ECR GetAuthorizationToken failed for ${context}: ${name}: ${detail}${hint}`, {
    stage: 'mint',
    reason,
    retryable,
    status,
    cause: error,
  });
}

const HINTS: Partial<Record<FailureReason, string>> = {
  access_denied: ' (grant the principal ecr:GetAuthorizationToken, and sts:AssumeRole if a role is configured)',
  invalid_credentials: ' (check the AWS credential chain: env keys, profile, IRSA / Pod Identity, instance role)',
};

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}
