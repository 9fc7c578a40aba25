import { describe, expect, it } from 'vitest';
import { ConfigError, suggestName } from '../../src/config/config-error.js';

describe('ConfigError', () => {
  const problems = [
    { field: 'PCC_SECRET_SET', message: '"My_Set" is not a valid secret set name: use lowercase letters' },
    { field: 'targets[2].secretSet', message: 'required' },
  ];

  it('has the stable code ERR_CONFIG and keeps every problem', () => {
    const error = new ConfigError(problems);
    expect(error.code).toBe('ERR_CONFIG');
    expect(error.problems).toEqual(problems);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ConfigError');
  });

  it('lists every problem on its own line as "field: message"', () => {
    const lines = new ConfigError(problems).message.split('\n');
    expect(lines).toEqual([
      'invalid configuration (2 problems):',
      '  PCC_SECRET_SET: "My_Set" is not a valid secret set name: use lowercase letters',
      '  targets[2].secretSet: required',
    ]);
  });

  it('says "1 problem" for a single problem', () => {
    expect(new ConfigError([problems[0]!]).message).toMatch(/^invalid configuration \(1 problem\):\n/);
  });
});

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
