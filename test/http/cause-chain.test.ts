import { describe, expect, it } from 'vitest';
import { causeChain, errorCodes, networkFailureReason } from '../../src/http/cause-chain.js';

const wrapped = (code: string, cause?: unknown) => Object.assign(new Error(code, { cause }), { code });

describe('the cause chain', () => {
  it('walks from the outermost error to the socket error undici wrapped', () => {
    const socket = wrapped('ECONNRESET');
    const error = new TypeError('fetch failed', { cause: wrapped('UND_ERR_SOCKET', socket) });
    expect(causeChain(error)).toHaveLength(3);
    expect(causeChain(error).at(-1)).toBe(socket);
    expect(errorCodes(error)).toEqual(['UND_ERR_SOCKET', 'ECONNRESET']);
  });

  it('ends on an error that is its own cause, and past five causes', () => {
    const selfish = wrapped('EPIPE');
    (selfish as { cause?: unknown }).cause = selfish;
    expect(causeChain(selfish)).toEqual([selfish]);
    let deep: unknown = wrapped('ENOTFOUND');
    for (let i = 0; i < 10; i++) deep = new Error(`layer ${i}`, { cause: deep });
    expect(causeChain(deep)).toHaveLength(6);
    expect(causeChain('not an error')).toEqual([]);
  });

  it('names a network failure by the first code or name along it that says what happened', () => {
    expect(networkFailureReason(new Error('x', { cause: wrapped('ENOTFOUND') }))).toBe('dns_error');
    expect(networkFailureReason(wrapped('UND_ERR_HEADERS_TIMEOUT'))).toBe('timeout');
    expect(networkFailureReason(Object.assign(new Error('aborted'), { name: 'TimeoutError' }))).toBe('timeout');
    expect(networkFailureReason(wrapped('ECONNREFUSED'))).toBe('connection_error');
    expect(networkFailureReason(new Error('plain'))).toBeUndefined();
  });
});
