import { describe, expect, it } from 'vitest';
import { parseDuration, validateSecretSetName } from '../../src/config/validate.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['5m', 300_000],
    ['4h', 14_400_000],
    ['1h30m', 5_400_000],
    ['1d', 86_400_000],
    ['0s', 0],
    ['1m30s250ms', 90_250],
    [' 15s ', 15_000],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['30', '0', '-5m', '', 'five minutes', '1.5h', '5 m', '30m1h', '1h1h', '5M', '4hours', 'h'])(
    'rejects %j and says which form it accepts',
    (text) => {
      expect(() => parseDuration(text)).toThrow(/is not a duration: use a whole number with a unit .*90s, 5m, 4h, 1h30m/);
    },
  );

  it('quotes the rejected text in the message', () => {
    expect(() => parseDuration('30')).toThrow('"30" is not a duration');
  });
});

describe('validateSecretSetName', () => {
  it.each(['ecr', 'ecr-prod', 'ecr.prod.us-west', 'a1b', '0ab', 'a'.repeat(63)])('accepts %j', (name) => {
    expect(validateSecretSetName(name)).toBeUndefined();
  });

  it.each(['My_Set', 'ECR', 'ecr_prod', '-ecr', 'ecr-', 'ecr..prod', '.ecr', 'ecr prod', 'ecr/prod'])(
    'rejects %j and says which characters are allowed',
    (name) => {
      expect(validateSecretSetName(name)).toBe(
        `${JSON.stringify(name)} is not a valid secret set name: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit; 3–63 characters`,
      );
    },
  );

  it('rejects names shorter than 3 characters', () => {
    expect(validateSecretSetName('ab')).toMatch(/too short.*3–63 characters/);
  });

  it('rejects names longer than 63 characters and says how long it is', () => {
    expect(validateSecretSetName('a'.repeat(64))).toMatch(/64 characters long.*3–63 characters/);
  });
});
