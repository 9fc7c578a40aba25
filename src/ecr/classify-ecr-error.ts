// Turns whatever the AWS SDK threw into an OutboundError naming the endpoint
// it tried, with a stable reason. Client-side problems (permissions,
// credentials, parameters) are permanent; throttling, server faults, network
// faults and garbled replies are retried.
import type { FailureReason } from '../errors/classified-error.js';
import { networkFailureReason } from '../http/cause-chain.js';
import { OutboundError, type OutboundCode } from '../errors/outbound-error.js';
import { excerpt, statusMeaning } from '../http/reply.js';

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

/** Where the AWS SDK looks for credentials, in its order: what a person can set. */
export const CREDENTIAL_CHAIN_FIX =
  'give the process AWS credentials through one of the credential chain\'s sources: AWS_ACCESS_KEY_ID + ' +
  'AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN), AWS_PROFILE with ~/.aws/config or ~/.aws/credentials, ' +
  'IRSA (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE), EKS Pod Identity, or an ECS task / EC2 instance role';

interface SdkErrorShape {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

export interface AwsCall {
  /** e.g. `ECR GetAuthorizationToken`. */
  operation: string;
  /** What the call was for, e.g. `registry 123456789012 in us-east-1`. */
  context: string;
  /** scheme://host:port the SDK sent the call to. */
  endpoint: string;
}

export function classifyEcrError(error: unknown, call: AwsCall): OutboundError {
  if (error instanceof OutboundError) return error;
  const e = (error ?? {}) as SdkErrorShape;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const [reason, retryable] = reasonOf(name, status, e.message, error);
  const fix = fixOf(reason, name, status);
  const said = `${name}: ${excerpt(e.message ?? String(error))}`;
  const detail = isMissingCredentials(name, status) ? `no AWS credentials were found (${said})` : said;
  return new OutboundError(
    `${call.operation} ${call.endpoint} failed for ${call.context}: ${detail}${fix ? ` (${fix})` : ''}`,
    { code: codeOf(reason, name, status), reason, retryable, status, endpoint: call.endpoint, fix, cause: error },
  );
}

function reasonOf(name: string, status: number | undefined, message: string | undefined, error: unknown): [FailureReason, boolean] {
  const network = networkFailureReason(error);
  if (THROTTLING.has(name) || status === 429) return ['throttled', true];
  if (ACCESS_DENIED.has(name)) return ['access_denied', false];
  if (BAD_CREDENTIALS.has(name)) return ['invalid_credentials', false];
  if (BAD_REQUEST.has(name)) return ['bad_request', false];
  if (network) return [network, true];
  if (status !== undefined && status >= 400) {
    const meaning = statusMeaning(status);
    return [meaning.reason, meaning.retryable];
  }
  if (name === 'SyntaxError' || /deserializ|unexpected token|json/i.test(message ?? '')) return ['bad_response', true];
  return ['unknown', true];
}

function codeOf(reason: FailureReason, name: string, status: number | undefined): OutboundCode {
  // No status: the SDK never got to send the call, or never got an answer.
  if (isMissingCredentials(name, status)) return 'ERR_OUTBOUND_CREDENTIALS';
  if (reason === 'bad_response') return 'ERR_OUTBOUND_REPLY';
  return status === undefined ? 'ERR_OUTBOUND_NETWORK' : 'ERR_OUTBOUND_STATUS';
}

function fixOf(reason: FailureReason, name: string, status: number | undefined): string | undefined {
  if (isMissingCredentials(name, status)) return CREDENTIAL_CHAIN_FIX;
  if (reason === 'access_denied') return 'grant the principal ecr:GetAuthorizationToken, and sts:AssumeRole if a role is configured';
  if (reason === 'invalid_credentials') {
    return 'check the AWS credential chain: env keys, profile, IRSA / Pod Identity, instance role';
  }
  if (reason === 'bad_request') return 'check AWS_REGION, ECR_REGISTRY_ID and AWS_ROLE_ARN';
  return undefined;
}

/** The SDK's credential chain found nothing to sign with; no call was sent. */
function isMissingCredentials(name: string, status: number | undefined): boolean {
  return name === 'CredentialsProviderError' && status === undefined;
}
