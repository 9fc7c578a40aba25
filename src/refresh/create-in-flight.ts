// Keeps the work a driver has started (cycles, alert deliveries) so that a
// stop can wait for it, but no longer than a deadline on the injected timers.
import type { TimerHandle, Timers } from '../schedule/clock.js';

export function createInFlight(timers: Timers) {
  const inFlight = new Set<Promise<unknown>>();
  return {
    track<T>(promise: Promise<T>): Promise<T> {
      inFlight.add(promise);
      void promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
      return promise;
    },
    /** True when everything in flight settled within the deadline. */
    async drain(deadlineMs: number): Promise<boolean> {
      let timer: TimerHandle | undefined;
      const drained = await Promise.race([
        Promise.allSettled([...inFlight]).then(() => true),
        new Promise<boolean>((resolve) => {
          timer = timers.setTimeout(() => resolve(false), deadlineMs);
        }),
      ]);
      if (timer) timers.clearTimeout(timer);
      return drained;
    },
  };
}
