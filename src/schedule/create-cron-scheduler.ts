// A cron schedule behind the Scheduler interface. node-cron parses the
// expression and names the next matching instants; the ticks themselves are
// plain timers armed here. node-cron's own runner drops a tick that comes more
// than a second late (a paused process, a stalled event loop) and prints a
// plain-text warning about it; this one runs a late tick as soon as it can and
// stays silent, so the process logs JSON only. Times are evaluated in UTC
// unless a timezone is given, so that "0 */6 * * *" means the same on every host.
import { createTask } from 'node-cron';
import { systemTimers, type TimerHandle, type Timers } from './clock.js';
import type { Scheduler } from './scheduler.js';

export function createCronScheduler(expression: string, options: { timezone?: string; timers?: Timers } = {}): Scheduler {
  const timezone = options.timezone ?? 'Etc/UTC';
  const timers = options.timers ?? systemTimers;
  // Never started: it arms nothing and only answers "when is the next match".
  const probe = createTask(expression, () => undefined, { timezone });
  let timer: TimerHandle | undefined;
  let next: number | undefined;

  /** The first match after both now and the slot just served (a timer may fire a hair early). */
  const nextAfter = (served: number | undefined) =>
    probe
      .getNextRuns(2)
      .map((d) => d.getTime())
      .find((at) => served === undefined || at > served);

  function arm(onTick: () => void, served?: number) {
    next = nextAfter(served);
    if (next === undefined) return;
    const slot = next;
    timer = timers.setTimeout(() => {
      // Re-armed first, so that nextRun() during the tick names the following one.
      arm(onTick, slot);
      onTick();
    }, slot - Date.now());
  }

  function stop() {
    if (timer) timers.clearTimeout(timer);
    timer = undefined;
    next = undefined;
  }

  return {
    start(onTick) {
      stop();
      arm(onTick);
    },
    stop,
    nextRun() {
      return next ?? probe.getNextRuns(1)[0]?.getTime();
    },
    longestIntervalMs() {
      const runs = probe.getNextRuns(64).map((d) => d.getTime());
      let longest = 0;
      for (let i = 1; i < runs.length; i++) longest = Math.max(longest, runs[i]! - runs[i - 1]!);
      return longest;
    },
  };
}
