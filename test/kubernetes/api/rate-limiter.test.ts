import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../../src/kubernetes/api/rate-limiter.js';
import type { Timers } from '../../../src/schedule/clock.js';

/** A clock that moves only when a timer fires, to the moment it was due. */
function fakeTime() {
  let now = 0;
  const pending: { at: number; fire: () => void }[] = [];
  const timers: Timers = {
    setTimeout(callback, delayMs) {
      const entry = { at: now + delayMs, fire: callback };
      pending.push(entry);
      return { id: entry };
    },
    clearTimeout(handle) {
      pending.splice(pending.indexOf(handle.id as (typeof pending)[number]), 1);
    },
  };
  return {
    clock: { now: () => now },
    timers,
    async runAll() {
      for (let rounds = 0; rounds < 10_000; rounds++) {
        await new Promise((resolve) => setImmediate(resolve));
        pending.sort((a, b) => a.at - b.at);
        const next = pending.shift();
        if (!next) return;
        now = next.at;
        next.fire();
      }
    },
  };
}

describe('the client-side rate limit', () => {
  it('lets a burst through at once, then one request per 1/qps seconds', async () => {
    const time = fakeTime();
    const limiter = createRateLimiter({ qps: 10, burst: 3, clock: time.clock, timers: time.timers });
    const admittedAt: number[] = [];
    const all = Promise.all(Array.from({ length: 7 }, () => limiter.take().then(() => admittedAt.push(time.clock.now()))));
    await time.runAll();
    await all;
    expect(admittedAt).toEqual([0, 0, 0, 100, 200, 300, 400]);
  });

  it('refills while idle, up to the burst and no more', async () => {
    const time = fakeTime();
    const limiter = createRateLimiter({ qps: 2, burst: 2, clock: time.clock, timers: time.timers });
    await limiter.take();
    await limiter.take();
    // Ten idle seconds refill two tokens, not twenty.
    const idle = new Promise<void>((resolve) => time.timers.setTimeout(resolve, 10_000));
    await time.runAll();
    await idle;
    const admittedAt: number[] = [];
    const all = Promise.all(Array.from({ length: 3 }, () => limiter.take().then(() => admittedAt.push(time.clock.now()))));
    await time.runAll();
    await all;
    expect(admittedAt).toEqual([10_000, 10_000, 10_500]);
  });

  it('an aborted wait gives up its turn without holding up the ones behind it', async () => {
    const time = fakeTime();
    const limiter = createRateLimiter({ qps: 1, burst: 1, clock: time.clock, timers: time.timers });
    await limiter.take();
    const gone = new AbortController();
    const abandoned = limiter.take(gone.signal);
    const next = limiter.take();
    gone.abort(new Error('stopped'));
    await expect(abandoned).rejects.toThrow('stopped');
    await time.runAll();
    await next;
    expect(time.clock.now()).toBe(1000);
  });
});
