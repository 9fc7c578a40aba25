// Runs fake time forward event by event while real I/O (loopback HTTP) is in
// play: before each jump to the next timer it waits, in real time, until
// nothing is in flight and the promise work that followed has settled. A
// plain advance() would move the clock while a request is still on the wire.
import type { FakeTime } from './fake-time.js';

export interface DriveOptions {
  time: FakeTime;
  /** Epoch ms to stop at. */
  until: number;
  /** True while real I/O is outstanding. */
  busy: () => boolean;
  /**
   * Called once the system is quiet, before time moves on to `nextAt` (the
   * next timer, or `until`). Nothing changes between now and then, so a check
   * here covers the whole gap.
   */
  onQuiet?: (now: number, nextAt: number) => void | Promise<void>;
  /** Real ms to wait for I/O to finish before giving up. Default 15,000. */
  stallMs?: number;
}

export interface DriveResult {
  /** Timers fired. */
  events: number;
}

export async function driveFakeTime(options: DriveOptions): Promise<DriveResult> {
  const { time, until, busy } = options;
  const stallMs = options.stallMs ?? 15_000;
  let events = 0;

  async function quiesce() {
    const deadline = Date.now() + stallMs;
    for (;;) {
      await time.settle();
      if (!busy()) {
        // One more round: a continuation may start the next request.
        await time.settle();
        if (!busy()) return;
      }
      if (Date.now() > deadline) {
        throw new Error(`I/O still in flight after ${stallMs} ms of real time at simulated ${new Date(time.clock.now()).toISOString()}`);
      }
      // A 0 ms timer would cost a whole millisecond a turn; an immediate
      // still lets the poll phase take in the reply.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  for (;;) {
    await quiesce();
    const due = time.nextAt();
    const nextAt = due === undefined || due > until ? until : due;
    await options.onQuiet?.(time.clock.now(), nextAt);
    if (due === undefined || due > until) {
      await time.advance(until - time.clock.now());
      return { events };
    }
    await time.next();
    events++;
  }
}
