import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';

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
