import { describe, expect, it } from 'vitest';
import { classifyEcrError } from '../../src/ecr/classify-ecr-error.js';

const sdkError = (name: string, status?: number) =>
  Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });

describe('classifyEcrError', () => {
  it.each([
    ['ThrottlingException', 400, 'throttled', true],
    ['AccessDeniedException', 400, 'access_denied', false],
    ['UnrecognizedClientException', 400, 'invalid_credentials', false],
    ['ExpiredTokenException', 400, 'invalid_credentials', false],
    ['CredentialsProviderError', undefined, 'invalid_credentials', false],
    ['ServerException', 500, 'server_error', true],
    ['InvalidParameterException', 400, 'bad_request', false],
  ])('classifies %s as %s (retryable: %s)', (name, status, reason, retryable) => {
    expect(classifyEcrError(sdkError(name, status), 'the default registry in us-east-1')).toMatchObject({
      stage: 'mint',
      reason,
      retryable,
    });
  });

  it('classifies resets and DNS failures as retryable network faults', () => {
    expect(classifyEcrError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'x').reason).toBe('connection_error');
    expect(classifyEcrError(Object.assign(new Error('getaddrinfo'), { code: 'ENOTFOUND' }), 'x')).toMatchObject({ reason: 'dns_error', retryable: true });
    expect(classifyEcrError(Object.assign(new Error('t'), { name: 'TimeoutError' }), 'x')).toMatchObject({ reason: 'timeout', retryable: true });
  });

  it('names the registry and the permission to grant on AccessDenied', () => {
    const message = classifyEcrError(sdkError('AccessDeniedException', 400), 'registry 123456789012 in us-east-1').message;
    expect(message).toContain('registry 123456789012 in us-east-1');
    expect(message).toContain('ecr:GetAuthorizationToken');
  });
});
