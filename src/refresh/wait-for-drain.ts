// Waits for promises in flight, but no longer than a deadline on the injected
// timers. True when they all settled in time.
import type { TimerHandle, Timers } from '../schedule/clock.js';

export async function waitForDrain(inFlight: Promise<unknown>[], timers: Timers, deadlineMs: number): Promise<boolean> {
  let timer: TimerHandle | undefined;
  const drained = await Promise.race([
    Promise.allSettled(inFlight).then(() => true),
    new Promise<boolean>((resolve) => {
      timer = timers.setTimeout(() => resolve(false), deadlineMs);
    }),
  ]);
  if (timer) timers.clearTimeout(timer);
  return drained;
}
