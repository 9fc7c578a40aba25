// The refresher's view of "the schedule": start ticking, stop, and say when
// the next tick is due. Production uses node-cron; simulations use a
// clock-driven implementation of the same interface.
export interface Scheduler {
  start(onTick: () => void): void;
  stop(): void;
  /** Epoch ms of the next tick, if any. */
  nextRun(): number | undefined;
  /** Longest gap between two ticks, in ms. */
  longestIntervalMs(): number;
}
