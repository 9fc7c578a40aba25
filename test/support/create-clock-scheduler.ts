// A Scheduler that ticks on a Clock and Timers of the caller's choosing, so a
// simulation can run months of cron ticks on fake time. Next-run times come
// from node-cron's own matcher, the same code the production scheduler runs.
import { createTask } from 'node-cron';
import type { Clock, TimerHandle, Timers } from '../../src/schedule/clock.js';
import type { Scheduler } from '../../src/schedule/scheduler.js';

interface TimeMatcher {
  /** The first matching minute strictly after `date`. */
  getNextMatch(date: Date): Date;
}

export interface ClockScheduler extends Scheduler {
  /** Ticks delivered since start. */
  readonly ticks: number;
}

export function createClockScheduler(
  expression: string,
  deps: { clock: Clock; timers: Timers; timezone?: string },
): ClockScheduler {
  // An unstarted task arms no timers; it is only asked for matches.
  const probe = createTask(expression, () => undefined, { timezone: deps.timezone ?? 'Etc/UTC' });
  const matcher = (probe as unknown as { timeMatcher?: TimeMatcher }).timeMatcher;
  if (typeof matcher?.getNextMatch !== 'function') {
    throw new Error('node-cron no longer exposes task.timeMatcher.getNextMatch; update createClockScheduler');
  }
  const after = (ms: number) => matcher.getNextMatch(new Date(ms)).getTime();

  let timer: TimerHandle | undefined;
  let next: number | undefined;
  let ticks = 0;

  function arm(onTick: () => void) {
    next = after(deps.clock.now());
    timer = deps.timers.setTimeout(() => {
      // Re-arm first, so nextRun() during the tick already names the following one.
      arm(onTick);
      ticks++;
      onTick();
    }, next - deps.clock.now());
  }

  return {
    get ticks() {
      return ticks;
    },
    start(onTick) {
      if (timer) deps.timers.clearTimeout(timer);
      arm(onTick);
    },
    stop() {
      if (timer) deps.timers.clearTimeout(timer);
      timer = undefined;
      next = undefined;
    },
    nextRun() {
      return next ?? after(deps.clock.now());
    },
    longestIntervalMs() {
      let longest = 0;
      let previous = after(deps.clock.now());
      for (let i = 0; i < 64; i++) {
        const run = after(previous);
        longest = Math.max(longest, run - previous);
        previous = run;
      }
      return longest;
    },
  };
}
