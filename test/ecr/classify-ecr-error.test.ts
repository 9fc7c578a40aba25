import { describe, expect, it } from 'vitest';
import { classifyEcrError } from '../../src/ecr/classify-ecr-error.js';

const sdkError = (name: string, status?: number) =>
  Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });
const ENDPOINT = 'https://api.ecr.us-east-1.amazonaws.com:443';
const call = (context = 'the default registry in us-east-1') => ({ operation: 'ECR GetAuthorizationToken', context, endpoint: ENDPOINT });

describe('classifyEcrError', () => {
  it.each([
    ['ThrottlingException', 400, 'throttled', true, 'ERR_OUTBOUND_STATUS'],
    ['AccessDeniedException', 400, 'access_denied', false, 'ERR_OUTBOUND_STATUS'],
    ['UnrecognizedClientException', 400, 'invalid_credentials', false, 'ERR_OUTBOUND_STATUS'],
    ['ExpiredTokenException', 400, 'invalid_credentials', false, 'ERR_OUTBOUND_STATUS'],
    ['CredentialsProviderError', undefined, 'invalid_credentials', false, 'ERR_OUTBOUND_CREDENTIALS'],
    ['ServerException', 500, 'server_error', true, 'ERR_OUTBOUND_STATUS'],
    ['InvalidParameterException', 400, 'bad_request', false, 'ERR_OUTBOUND_STATUS'],
  ])('classifies %s as %s (retryable: %s), naming the endpoint', (name, status, reason, retryable, code) => {
    const error = classifyEcrError(sdkError(name, status), call());
    expect(error).toMatchObject({ reason, retryable, code, endpoint: ENDPOINT, status });
    expect(error.message).toContain(`ECR GetAuthorizationToken ${ENDPOINT} failed for the default registry in us-east-1: `);
    expect(error.message).toContain(`${name}: ${name} happened`);
  });

  it('classifies resets and DNS failures as retryable network faults', () => {
    expect(classifyEcrError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), call())).toMatchObject({
      reason: 'connection_error',
      code: 'ERR_OUTBOUND_NETWORK',
      endpoint: ENDPOINT,
    });
    expect(classifyEcrError(Object.assign(new Error('getaddrinfo'), { code: 'ENOTFOUND' }), call())).toMatchObject({ reason: 'dns_error', retryable: true });
    expect(classifyEcrError(Object.assign(new Error('t'), { name: 'TimeoutError' }), call())).toMatchObject({ reason: 'timeout', retryable: true });
  });

  it('names the registry and the permission to grant on AccessDenied', () => {
    const error = classifyEcrError(sdkError('AccessDeniedException', 400), call('registry 123456789012 in us-east-1'));
    expect(error.message).toContain('registry 123456789012 in us-east-1');
    expect(error.message).toContain('ecr:GetAuthorizationToken');
    expect(error.fix).toContain('ecr:GetAuthorizationToken');
  });

  it('tells a process without credentials every source of the credential chain', () => {
    const error = classifyEcrError(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), call());
    for (const source of ['AWS_ACCESS_KEY_ID', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'Pod Identity', 'instance role']) {
      expect(error.fix).toContain(source);
    }
    expect(error.message).toContain('no AWS credentials were found');
  });

  it('keeps an error that is already classified (a failed role assumption) as it is', () => {
    const inner = classifyEcrError(sdkError('AccessDenied', 403), { operation: 'STS AssumeRole', context: 'role r', endpoint: 'https://sts.us-east-1.amazonaws.com:443' });
    expect(classifyEcrError(inner, call())).toBe(inner);
  });
});
