import { describe, expect, it } from 'vitest';
import { classifyHttpStatus } from '../../src/pcc/classify-http-status.js';

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

  it('says a 403 that is an HTML page came from a WAF or proxy in front of the endpoint, not from a wrong key, and is still permanent', () => {
    const error = classifyHttpStatus({ status: 403, endpoint: 'https://api.example.test:443', what: 'Pipecat Cloud PUT x', serverMessage: '403 Forbidden', html: true });
    expect(error).toMatchObject({ code: 'ERR_OUTBOUND_STATUS', status: 403, retryable: false });
    expect(error.fix).toContain('WAF, load balancer or proxy in front of https://api.example.test:443');
    expect(error.message).toContain('answered HTTP 403 from a WAF or proxy in front of the API');
    expect(error.message).not.toContain('PCC_API_KEY');
  });

  it('still points a 403 with the API\'s own JSON answer at the key', () => {
    expect(classifyHttpStatus({ status: 403, endpoint: 'https://api.example.test:443', what: 'x', html: false }).fix).toContain('PCC_API_KEY');
  });

  it('carries the server message and Retry-After', () => {
    const error = classifyHttpStatus({ status: 429, endpoint: 'https://api.example.test:443', what: 'x', serverMessage: 'slow down', retryAfterMs: 7000 });
    expect(error.message).toContain('slow down');
    expect(error.retryAfterMs).toBe(7000);
  });
});
