// A simulated clock and timers for tests: time moves only when the test says
// so, and due timers fire in order, with pending promise work settled between.
import type { Clock, TimerHandle, Timers } from '../../src/schedule/clock.js';

interface Entry {
  id: number;
  at: number;
  callback: () => void;
}

export interface FakeTime {
  clock: Clock;
  timers: Timers;
  /** Moves time forward by ms, firing every timer that falls due. */
  advance(ms: number): Promise<void>;
  /** Fires the next timer (moving time to it); false when none is queued. */
  next(): Promise<boolean>;
  /** Settles pending promise work without moving time. */
  settle(): Promise<void>;
  pending(): number;
  nextAt(): number | undefined;
}

export function createFakeTime(start = Date.UTC(2026, 0, 1)): FakeTime {
  let now = start;
  let counter = 0;
  const queue: Entry[] = [];

  const clock: Clock = { now: () => now };
  const timers: Timers = {
    setTimeout(callback, delayMs) {
      const entry: Entry = { id: ++counter, at: now + Math.max(0, delayMs), callback };
      queue.push(entry);
      return { id: entry.id };
    },
    clearTimeout(handle: TimerHandle) {
      const index = queue.findIndex((e) => e.id === handle.id);
      if (index >= 0) queue.splice(index, 1);
    },
  };

  async function settle() {
    for (let i = 0; i < 5; i++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  function earliest(): Entry | undefined {
    let best: Entry | undefined;
    for (const e of queue) if (!best || e.at < best.at || (e.at === best.at && e.id < best.id)) best = e;
    return best;
  }

  async function fire(entry: Entry) {
    queue.splice(queue.indexOf(entry), 1);
    now = Math.max(now, entry.at);
    entry.callback();
    await settle();
  }

  return {
    clock,
    timers,
    settle,
    async advance(ms) {
      const end = now + ms;
      await settle();
      for (let e = earliest(); e && e.at <= end; e = earliest()) await fire(e);
      now = end;
      await settle();
    },
    async next() {
      await settle();
      const e = earliest();
      if (!e) return false;
      await fire(e);
      return true;
    },
    pending: () => queue.length,
    nextAt: () => earliest()?.at,
  };
}
