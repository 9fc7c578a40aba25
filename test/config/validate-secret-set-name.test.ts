import { describe, expect, it } from 'vitest';
import { validateSecretSetName } from '../../src/config/validate-secret-set-name.js';

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
