import { describe, expect, it } from 'vitest';
import { OutboundError, networkError } from '../../src/errors/outbound-error.js';
import { toRefreshError } from '../../src/errors/refresh-error.js';

describe('outbound errors', () => {
  it('says what a request that got no answer tried, and that it may be retried', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' });
    const error = networkError('Pipecat Cloud GET https://api.pipecat.daily.co:443/v1/secrets', 'https://api.pipecat.daily.co:443', cause);
    expect(error.message).toBe('Pipecat Cloud GET https://api.pipecat.daily.co:443/v1/secrets failed: connection refused (ECONNREFUSED)');
    expect(error).toMatchObject({ code: 'ERR_OUTBOUND_NETWORK', reason: 'connection_error', retryable: true, cause });
  });

  it('gains the stage where the engine met it, keeping every fact', () => {
    const outbound = new OutboundError('x answered HTTP 429', {
      code: 'ERR_OUTBOUND_STATUS',
      reason: 'rate_limited',
      retryable: true,
      status: 429,
      retryAfterMs: 7_000,
      endpoint: 'https://h:443',
    });
    expect(toRefreshError(outbound, 'confirm')).toMatchObject({
      name: 'RefreshError',
      stage: 'confirm',
      reason: 'rate_limited',
      retryable: true,
      status: 429,
      retryAfterMs: 7_000,
      message: 'x answered HTTP 429',
      cause: outbound,
    });
    expect(toRefreshError(new TypeError('boom'), 'push')).toMatchObject({ stage: 'push', reason: 'unknown', retryable: true });
  });
});
