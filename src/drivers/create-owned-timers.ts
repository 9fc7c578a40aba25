// The timers a driver has armed, by key, so that it can replace one (a new
// guard for a target), read when one is due, and clear every one at stop.
import type { TimerHandle, Timers } from '../schedule/clock.js';

export function createOwnedTimers(timers: Timers, clock: { now(): number }) {
  const armed = new Map<string, { at: number; handle: TimerHandle }>();
  const clear = (key: string) => {
    const timer = armed.get(key);
    if (timer) timers.clearTimeout(timer.handle);
    armed.delete(key);
  };
  return {
    /** Arms `fire` at epoch ms `at`, replacing any timer under the same key. */
    arm(key: string, at: number, fire: () => void) {
      clear(key);
      const handle = timers.setTimeout(() => {
        armed.delete(key);
        fire();
      }, Math.max(0, at - clock.now()));
      armed.set(key, { at, handle });
    },
    clear,
    dueAt: (key: string) => armed.get(key)?.at,
    clearAll() {
      for (const key of [...armed.keys()]) clear(key);
    },
    get size() {
      return armed.size;
    },
  };
}
