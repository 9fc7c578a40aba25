import { describe, expect, it } from 'vitest';
import { suggestName } from '../../src/config/suggest-name.js';

const KEYS = ['secretSet', 'format', 'pccRegion', 'awsRegion', 'registryId', 'roleArn'];

describe('suggestName', () => {
  it('matches a key written in another case', () => {
    expect(suggestName('secretset', KEYS)).toBe('secretSet');
  });

  it('matches snake_case and kebab-case spellings', () => {
    expect(suggestName('secret_set', KEYS)).toBe('secretSet');
    expect(suggestName('aws-region', KEYS)).toBe('awsRegion');
  });

  it('suggests a key within three edits', () => {
    expect(suggestName('regstryId', KEYS)).toBe('registryId');
    expect(suggestName('formt', KEYS)).toBe('format');
  });

  it('suggests nothing for an unrelated word', () => {
    expect(suggestName('colour', KEYS)).toBeUndefined();
  });

  it('does not suggest for very short inputs that are near everything', () => {
    expect(suggestName('xy', ['id', 'at'])).toBeUndefined();
  });
});
