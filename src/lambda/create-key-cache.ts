// Keeps the Pipecat Cloud key across warm invocations of one execution
// environment, for a bounded time. The schedule runs every few hours, so the
// cache mostly serves the retries that follow a failed invocation within
// minutes; the bound (and forget() after the API refused the key) makes a
// rotated key take effect at the next invocation after that.
import type { Clock } from '../schedule/clock.js';

export interface KeyCache {
  get(): Promise<string>;
  /** Drops the cached key, so the next get() reads it again. */
  forget(): void;
}

export function createKeyCache(options: { load: () => Promise<string>; clock: Clock; ttlMs: number }): KeyCache {
  let cached: { value: string; until: number } | undefined;
  return {
    async get() {
      const now = options.clock.now();
      if (cached && now < cached.until) return cached.value;
      const value = await options.load();
      cached = { value, until: now + options.ttlMs };
      return value;
    },
    forget() {
      cached = undefined;
    },
  };
}
