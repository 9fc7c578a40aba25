// Counts the upstream calls (ECR mints, secrets API requests) that have not
// answered yet. A simulation on fake time may only move the clock when this is
// zero: real HTTP on loopback still takes real time to come back.
import type { TokenMinter } from '../../src/ecr/create-token-minter.js';
import type { SecretsClient } from '../../src/pcc/create-secrets-client.js';

export interface InFlightTracker {
  readonly count: number;
  mint(inner: TokenMinter): TokenMinter;
  secrets(inner: SecretsClient): SecretsClient;
}

export function trackInFlight(): InFlightTracker {
  let count = 0;
  function wrap<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return async (...args) => {
      count++;
      try {
        return await fn(...args);
      } finally {
        count--;
      }
    };
  }
  return {
    get count() {
      return count;
    },
    mint: (inner) => wrap(inner),
    secrets: (inner) => ({
      listSets: wrap(() => inner.listSets()),
      putSet: wrap((name, body) => inner.putSet(name, body)),
      setUrl: (name) => inner.setUrl(name),
    }),
  };
}
