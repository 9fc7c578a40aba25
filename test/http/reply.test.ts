import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isHtmlReply, parseRetryAfter, readCappedBody, serverMessage, statusMeaning } from '../../src/http/reply.js';

describe('statusMeaning', () => {
  it('retries every 5xx, a 409 (a concurrent write) and a 429, and nothing else', () => {
    const retried = Array.from({ length: 200 }, (_, i) => 400 + i).filter((status) => statusMeaning(status).retryable);
    expect(retried).toEqual([409, 429, ...Array.from({ length: 100 }, (_, i) => 500 + i)]);
  });

  it('names what a person must look at for the statuses that need one', () => {
    expect([401, 403, 404, 400, 422].map((status) => statusMeaning(status).reason)).toEqual(['unauthorized', 'unauthorized', 'not_found', 'bad_request', 'bad_request']);
    expect([409, 429, 503].map((status) => statusMeaning(status).reason)).toEqual(['conflict', 'rate_limited', 'server_error']);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 0, 1);
  it('reads delta-seconds and HTTP dates, and ignores junk', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 7 ', now)).toBe(7_000);
    expect(parseRetryAfter(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('takes the first of repeated headers, and a date already past as no wait', () => {
    expect(parseRetryAfter(['3', '9'], now)).toBe(3_000);
    expect(parseRetryAfter(new Date(now - 5_000).toUTCString(), now)).toBe(0);
  });
});

describe('serverMessage', () => {
  it('quotes the message of a Kubernetes Status and the error and code of a JSON API answer', () => {
    expect(serverMessage(JSON.stringify({ kind: 'Status', message: 'secrets "x" is forbidden', code: 403 }))).toBe('secrets "x" is forbidden');
    expect(serverMessage(JSON.stringify({ error: 'Invalid secret name', code: 'BAD_NAME' }))).toBe('Invalid secret name [BAD_NAME]');
  });

  it('takes every known secret, and any long base64 run, out of what the server quoted back', () => {
    const key = 'pk_live_abcdefghijkl';
    const echoed = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk=';
    const said = serverMessage(JSON.stringify({ error: `bad value ${echoed} for key ${key}` }), [key])!;
    expect(said).not.toContain(key);
    expect(said).not.toContain(echoed);
    expect(said).toBe('bad value [REDACTED] for key [REDACTED]');
  });

  it('says what an HTML page says, not its markup', () => {
    expect(serverMessage('<html><head><title>403 Forbidden</title></head><body>blocked</body></html>')).toBe('403 Forbidden');
    expect(serverMessage('<html><body><h1>403 Forbidden</h1></body></html>')).toBe('403 Forbidden');
  });

  it('keeps an excerpt to one short line, and says nothing for an empty body', () => {
    const said = serverMessage(`gateway\n\n  ${'y '.repeat(400)}`)!;
    expect(said.startsWith('gateway y y')).toBe(true);
    expect(said).toHaveLength(300);
    expect(said.endsWith('…')).toBe(true);
    expect(serverMessage('  \n')).toBeUndefined();
  });
});

describe('isHtmlReply', () => {
  it('knows a page by its content type or its first tag', () => {
    expect(isHtmlReply('', 'text/html; charset=utf-8')).toBe(true);
    expect(isHtmlReply('  <!DOCTYPE html><html></html>')).toBe(true);
    expect(isHtmlReply('<html>gateway</html>', 'application/octet-stream')).toBe(true);
    expect(isHtmlReply('{"error":"forbidden"}', 'application/json')).toBe(false);
  });
});

describe('readCappedBody', () => {
  it('reads a body within the cap and refuses one past it with the caller\'s error', async () => {
    const chunks = (n: number) => Readable.from(Array.from({ length: n }, () => Buffer.from('x'.repeat(100))));
    expect(await readCappedBody(chunks(3), 300, () => new Error('too large'))).toBe('x'.repeat(300));
    await expect(readCappedBody(chunks(4), 300, () => new Error('too large'))).rejects.toThrow('too large');
  });
});
