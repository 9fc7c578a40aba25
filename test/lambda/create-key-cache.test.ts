import { describe, expect, it } from 'vitest';
import { createKeyCache } from '../../src/lambda/create-key-cache.js';

describe('the key cache', () => {
  it('serves the key for its lifetime, then reads it again; forget() and failed reads are not cached', async () => {
    let now = 0;
    let reads = 0;
    let fail = false;
    const cache = createKeyCache({
      clock: { now: () => now },
      ttlMs: 1_000,
      load: async () => {
        reads++;
        if (fail) throw new Error('unavailable');
        return `key-${reads}`;
      },
    });
    expect(await cache.get()).toBe('key-1');
    now = 999;
    expect(await cache.get()).toBe('key-1');
    now = 1_000;
    expect(await cache.get()).toBe('key-2');
    cache.forget();
    fail = true;
    await expect(cache.get()).rejects.toThrow('unavailable');
    fail = false;
    expect(await cache.get()).toBe('key-4');
  });
});
