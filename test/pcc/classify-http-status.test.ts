import { describe, expect, it } from 'vitest';
import { classifyHttpStatus, parseRetryAfter } from '../../src/pcc/classify-http-status.js';

describe('classifyHttpStatus', () => {
  it.each([
    [400, 'bad_request', false],
    [401, 'unauthorized', false],
    [403, 'unauthorized', false],
    [404, 'not_found', false],
    [409, 'conflict', true],
    [429, 'rate_limited', true],
    [500, 'server_error', true],
    [502, 'server_error', true],
    [503, 'server_error', true],
    [418, 'bad_request', false],
  ])('treats HTTP %i as %s (retryable: %s)', (status, reason, retryable) => {
    expect(classifyHttpStatus({ status, endpoint: 'https://api.example.test:443', what: 'PUT /secrets/x' })).toMatchObject({ code: 'ERR_OUTBOUND_STATUS', endpoint: 'https://api.example.test:443', status, reason, retryable });
  });

  it('tells the user which setting to check on 401 and 404', () => {
    expect(classifyHttpStatus({ status: 401, endpoint: 'https://api.example.test:443', what: 'x' }).message).toContain('PCC_API_KEY');
    expect(classifyHttpStatus({ status: 404, endpoint: 'https://api.example.test:443', what: 'x' }).message).toContain('PCC_API_URL');
  });

  it('carries the server message and Retry-After', () => {
    const error = classifyHttpStatus({ status: 429, endpoint: 'https://api.example.test:443', what: 'x', serverMessage: 'slow down', retryAfterMs: 7000 });
    expect(error.message).toContain('slow down');
    expect(error.retryAfterMs).toBe(7000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 0, 1);
  it('reads delta-seconds and HTTP dates, and ignores junk', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
