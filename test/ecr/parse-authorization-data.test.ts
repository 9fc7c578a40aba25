import { describe, expect, it } from 'vitest';
import { parseAuthorizationData } from '../../src/ecr/parse-authorization-data.js';
import { OutboundError } from '../../src/errors/outbound-error.js';

const NOW = Date.UTC(2026, 0, 1);
const token = Buffer.from('AWS:pa55word-abcdefghijklmnop').toString('base64');
const CALL = { context: 'registry 123456789012 in us-east-1', endpoint: 'https://api.ecr.us-east-1.amazonaws.com:443' };
const good = { authorizationToken: token, expiresAt: new Date(NOW + 12 * 3600_000), proxyEndpoint: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com' };

function refusal(data: unknown): OutboundError {
  try {
    parseAuthorizationData(data as never, CALL, NOW);
  } catch (error) {
    return error as OutboundError;
  }
  throw new Error('expected a refusal');
}

describe('parseAuthorizationData', () => {
  it('decodes the password and keeps the endpoint, host and expiry', () => {
    expect(parseAuthorizationData([good], CALL, NOW)).toEqual({
      mintedAt: NOW,
      password: 'pa55word-abcdefghijklmnop',
      authorizationToken: token,
      expiresAt: NOW + 12 * 3600_000,
      proxyEndpoint: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com',
      registryHost: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
    });
  });

  it('refuses an empty authorizationData as a retryable bad response', () => {
    const error = refusal([]);
    expect(error).toMatchObject({ code: 'ERR_OUTBOUND_REPLY', reason: 'bad_response', retryable: true, endpoint: CALL.endpoint });
    expect(error.message).toContain('no authorizationData');
    expect(error.message).toContain('https://api.ecr.us-east-1.amazonaws.com:443');
  });

  it('refuses a token that already expired and points at the clock', () => {
    const error = refusal([{ ...good, expiresAt: new Date(NOW - 1000) }]);
    expect(error.reason).toBe('token_expired');
    expect(error.message).toMatch(/clock/);
    expect(error.fix).toMatch(/clock/);
  });

  it('refuses a malformed proxy endpoint without echoing the token', () => {
    for (const proxyEndpoint of ['not a url', 'http://123.dkr.ecr.us-east-1.amazonaws.com', 'https://host/path', undefined]) {
      const error = refusal([{ ...good, proxyEndpoint }]);
      expect(error.reason).toBe('bad_response');
      expect(error.message).not.toContain(token);
    }
  });

  it('refuses a token that does not decode to AWS:<password>', () => {
    expect(refusal([{ ...good, authorizationToken: Buffer.from('nobody:pw').toString('base64') }]).message).toMatch(/AWS:<password>/);
  });
});
