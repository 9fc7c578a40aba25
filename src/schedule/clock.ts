// Time as a dependency: everything that decides "is it time" reads this.
export interface Clock {
  now(): number;
}

export type TimerHandle = { readonly id: unknown };

/** Timers that follow the clock they belong to (real, or simulated in tests). */
export interface Timers {
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = { now: () => Date.now() };

export const systemTimers: Timers = {
  setTimeout(callback, delayMs) {
    // Node caps timers at 2^31-1 ms; longer waits re-arm themselves.
    const max = 2_147_483_647;
    const handle: { id: NodeJS.Timeout } = { id: undefined as unknown as NodeJS.Timeout };
    const arm = (remaining: number) => {
      handle.id = setTimeout(() => (remaining > max ? arm(remaining - max) : callback()), Math.min(remaining, max));
    };
    arm(Math.max(0, delayMs));
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout((handle as { id: NodeJS.Timeout }).id);
  },
};
