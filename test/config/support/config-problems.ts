// The ConfigError a load throws, and its problems; fails the test when it loads.
import { expect } from 'vitest';
import { ConfigError, type ConfigProblem } from '../../../src/config/config-error.js';

export function configError(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

export function configProblems(load: () => unknown): ConfigProblem[] {
  return configError(load).problems;
}
