// The production cron scheduler on real time: a tick that comes late (the
// process was paused, the event loop stalled) still runs, once, and the
// scheduler writes nothing of its own to stdout or stderr.
import { describe, expect, it, vi } from 'vitest';
import { createCronScheduler } from '../../src/schedule/create-cron-scheduler.js';

describe('createCronScheduler', () => {
  it('runs a tick that comes seconds late instead of dropping it, and prints nothing', async () => {
    const writes: string[] = [];
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (writes.push(String(chunk)), true));
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (writes.push(String(chunk)), true));
    const warn = vi.spyOn(console, 'warn').mockImplementation((...args) => void writes.push(args.join(' ')));
    const scheduler = createCronScheduler('* * * * * *');
    const ticks: number[] = [];
    try {
      scheduler.start(() => {
        ticks.push(Date.now());
        // The first tick blocks the event loop for 2.5 s, so the next slots pass unserved.
        if (ticks.length === 1) {
          const until = Date.now() + 2_500;
          while (Date.now() < until);
        }
      });
      await vi.waitFor(() => expect(ticks.length).toBeGreaterThanOrEqual(3), { timeout: 8_000, interval: 50 });
    } finally {
      scheduler.stop();
      out.mockRestore();
      err.mockRestore();
      warn.mockRestore();
    }
    // The tick after the stall ran late, at once, and only once for the slots it missed.
    expect(ticks[1]! - ticks[0]!).toBeGreaterThanOrEqual(2_400);
    expect(ticks[2]! - ticks[1]!).toBeGreaterThan(300);
    expect(writes).toEqual([]);
  });

  it('names the next tick, and none after stop()', () => {
    const scheduler = createCronScheduler('0 */6 * * *');
    scheduler.start(() => undefined);
    const next = scheduler.nextRun()!;
    expect(next % (6 * 3600_000)).toBe(0);
    expect(next).toBeGreaterThan(Date.now());
    expect(scheduler.longestIntervalMs()).toBe(6 * 3600_000);
    scheduler.stop();
  });
});
