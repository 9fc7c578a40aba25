// A TokenMinter for unit tests: hands out numbered tokens that expire a fixed
// time after the fake clock's now, and can be told to fail.
import type { TokenMinter } from '../../src/ecr/create-token-minter.js';
import type { EcrToken, MintKey } from '../../src/ecr/ecr-token.js';
import type { Clock } from '../../src/schedule/clock.js';

export interface FakeMinter {
  mint: TokenMinter;
  calls: MintKey[];
  issued: EcrToken[];
  errors: Error[];
  lifetimeMs: number;
}

export function createFakeMinter(clock: Clock, lifetimeMs = 12 * 3600_000): FakeMinter {
  const fake: FakeMinter = {
    calls: [],
    issued: [],
    errors: [],
    lifetimeMs,
    async mint(key) {
      fake.calls.push(key);
      const error = fake.errors.shift();
      if (error) throw error;
      const password = `secret-password-${fake.issued.length + 1}-${'x'.repeat(40)}`;
      const account = key.registryId ?? '111122223333';
      const registryHost = `${account}.dkr.ecr.${key.awsRegion}.amazonaws.com`;
      const token: EcrToken = {
        password,
        authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
        expiresAt: clock.now() + fake.lifetimeMs,
        proxyEndpoint: `https://${registryHost}`,
        registryHost,
      };
      fake.issued.push(token);
      return token;
    },
  };
  return fake;
}
