// node-cron behind the Scheduler interface. Times are evaluated in UTC unless
// a timezone is given, so that "0 */6 * * *" means the same on every host.
import { createTask, type ScheduledTask } from 'node-cron';
import type { Scheduler } from './scheduler.js';

export function createCronScheduler(expression: string, options: { timezone?: string } = {}): Scheduler {
  const timezone = options.timezone ?? 'Etc/UTC';
  let task: ScheduledTask | undefined;
  const probe = createTask(expression, () => undefined, { timezone });
  return {
    start(onTick) {
      task?.destroy();
      task = createTask(expression, () => onTick(), { timezone, noOverlap: false });
      void task.start();
    },
    stop() {
      void task?.destroy();
      task = undefined;
    },
    nextRun() {
      return (task?.getNextRun() ?? probe.getNextRuns(1)[0])?.getTime();
    },
    longestIntervalMs() {
      const runs = probe.getNextRuns(64).map((d) => d.getTime());
      let longest = 0;
      for (let i = 1; i < runs.length; i++) longest = Math.max(longest, runs[i]! - runs[i - 1]!);
      return longest;
    },
  };
}
