// Configuration messages quote the bad value so an operator can find it; when
// that value is the API key itself (pasted into the wrong setting), the key is
// not printed back.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';

const KEY = 'pk_live_3a5c7e9b1d2f4a6c8e0b2d4f6a8c0e1b';

function problemsOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig with the API key in the wrong setting', () => {
  it('names the setting but does not print the key from PCC_API_KEY', () => {
    const error = problemsOf(() =>
      loadConfig({ env: { PCC_API_KEY: KEY, PCC_SECRET_SET: KEY, AWS_REGION: KEY }, readFile: () => '' }),
    );
    expect(error.problems.map((p) => p.field).sort()).toEqual(['AWS_REGION', 'PCC_SECRET_SET']);
    expect(error.message).not.toContain(KEY);
    expect(error.message).toContain('[REDACTED]');
  });

  it('does not print the key read from a key file either', () => {
    const files: Record<string, string> = {
      '/etc/refresher/config.yaml': `apiKeyFile: /run/key\ntargets:\n  - secretSet: ${KEY}\n    awsRegion: us-east-1\n`,
      '/run/key': `${KEY}\n`,
    };
    const error = problemsOf(() => loadConfig({ env: {}, configFile: '/etc/refresher/config.yaml', readFile: (path) => files[path]! }));
    expect(error.problems.map((p) => p.field)).toEqual(['targets[0].secretSet']);
    expect(error.message).not.toContain(KEY);
  });
});
