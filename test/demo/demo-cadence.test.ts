// The demo says "every 20 s": the cycles after the start-up refresh must come
// 20 s apart, the first of them about 20 s after the start-up one.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureBuilt } from '../support/ensure-built.js';
import { createDemoTmp, startDemo } from './support/start-demo.js';

const tmp = createDemoTmp();
beforeAll(async () => {
  await ensureBuilt();
});
afterAll(() => tmp.dispose());

function secondsOfDay(hhmmss: string): number {
  const [h, m, s] = hhmmss.split(':').map(Number);
  return h! * 3600 + m! * 60 + s!;
}

it('refreshes every 20 s counted from the start', { timeout: 90_000 }, async () => {
  const demo = startDemo(['--for', '48s'], { tmp: tmp.path, killAfterMs: 80_000 });
  try {
    const exit = await demo.exited;
    expect(exit.code, exit.stdout + exit.stderr).toBe(0);
    const starts = [...exit.stdout.matchAll(/^(\d\d:\d\d:\d\d) refresh started \(cycle (\d+), (\w+)\)$/gm)].map((m) => ({
      at: secondsOfDay(m[1]!),
      trigger: m[3],
    }));
    expect(starts.map((s) => s.trigger)).toEqual(['startup', 'schedule', 'schedule']);
    const [first, second, third] = starts.map((s) => s.at);
    // The start-up refresh begins when the daemon has loaded, which the demo measures beforehand.
    expect(second! - first!).toBeGreaterThanOrEqual(15);
    expect(second! - first!).toBeLessThanOrEqual(25);
    // Stamps are whole seconds and a tick may fire late on a loaded machine: 20 s, give or take that,
    // which still tells this cadence from any other (a missed tick would show 40).
    expect(third! - second!).toBeGreaterThanOrEqual(19);
    expect(third! - second!).toBeLessThanOrEqual(22);
  } finally {
    demo.dispose();
  }
});
