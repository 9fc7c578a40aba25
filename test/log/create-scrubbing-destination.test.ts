import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/create-logger.js';
import { createScrubbingDestination, createSecretScrubber } from '../../src/log/create-scrubbing-destination.js';

describe('log hygiene', () => {
  it('redacts secret-bearing fields by name', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (l: string) => void lines.push(l) } });
    logger.info({ headers: { authorization: 'Bearer pk_live_123456789' }, body: { secretValue: 'QVdTOnNlY3JldA==' }, password: 'hunter2hunter2' }, 'x');
    expect(lines.join('')).not.toMatch(/pk_live_123456789|QVdTOnNlY3JldA==|hunter2hunter2/);
    expect(lines.join('')).toContain('[REDACTED]');
  });

  it('scrubs known secret values wherever they appear in a line', () => {
    const scrubber = createSecretScrubber();
    scrubber.keep('pk_live_abcdefgh');
    scrubber.add('token-value-123456');
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: createScrubbingDestination({ write: (l: string) => void lines.push(l) }, scrubber) });
    logger.error({ err: { message: 'server said: token-value-123456 is bad; key pk_live_abcdefgh' } }, 'failed');
    expect(lines.join('')).not.toMatch(/token-value-123456|pk_live_abcdefgh/);
    expect(lines.join('')).toContain('server said: [REDACTED] is bad');
  });

  it('keeps the API key however many tokens pass through', () => {
    const scrubber = createSecretScrubber();
    scrubber.keep('pk_live_abcdefgh');
    for (let i = 0; i < 2000; i++) scrubber.add(`token-${i}-abcdefgh`);
    expect(scrubber.scrub('pk_live_abcdefgh token-1999-abcdefgh token-0-abcdefgh')).toBe('[REDACTED] [REDACTED] token-0-abcdefgh');
  });

  it('keeps the last few values of a rotating credential, however many tokens pass through', () => {
    const scrubber = createSecretScrubber();
    for (const n of [1, 2, 3, 4]) scrubber.rotate('bearer', `sa-token-${n}-abcdefgh`);
    for (let i = 0; i < 2000; i++) scrubber.add(`token-${i}-abcdefgh`);
    expect(scrubber.scrub('sa-token-4-abcdefgh sa-token-2-abcdefgh sa-token-1-abcdefgh')).toBe('[REDACTED] [REDACTED] sa-token-1-abcdefgh');
  });

  it('removes a secret that holds another whole, whichever was learnt first', () => {
    const scrubber = createSecretScrubber();
    scrubber.add('inner-token-abcdefgh');
    scrubber.add('{"document":"inner-token-abcdefgh","other":"hub-credential"}');
    expect(scrubber.scrub('stored {"document":"inner-token-abcdefgh","other":"hub-credential"} end')).toBe('stored [REDACTED] end');
  });
});
