// The problems of the ConfigError a load throws; fails the test when it loads.
import { expect } from 'vitest';
import { ConfigError, type ConfigProblem } from '../../../src/config/config-error.js';

export function configProblems(load: () => unknown): ConfigProblem[] {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}
