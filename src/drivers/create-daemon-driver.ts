// The daemon: a cycle of every target at start-up and on every scheduled tick
// (after a random jitter), a retry of a failed target when its backoff runs
// out, and a refresh of a target as soon as its token enters the margin (the
// expiry guard). It owns every timer it arms; stop() clears them all.
import type { TargetEntry } from '../refresh/target-entry.js';
import { createEngine, type EngineDeps, type TargetOutcome } from '../refresh/create-engine.js';
import type { TargetAction } from '../refresh/target-transitions.js';
import type { TimerHandle } from '../schedule/clock.js';
import type { Scheduler } from '../schedule/scheduler.js';

interface Due {
  retry?: { at: number; timer: TimerHandle };
  guard?: { at: number; timer: TimerHandle };
}

export function createDaemonDriver(deps: EngineDeps & { scheduler?: Scheduler }) {
  const { config, timers, clock, scheduler } = deps;
  const due = new Map<TargetEntry, Due>();
  const jitterTimers = new Set<TimerHandle>();
  const engine = createEngine(deps, { daemon: true, onSettled: carryOut });
  const dueOf = (entry: TargetEntry) => due.get(entry) ?? due.set(entry, {}).get(entry)!;

  function carryOut(entry: TargetEntry, actions: TargetAction[]) {
    const slots = dueOf(entry);
    for (const action of actions) {
      if (action.kind === 'retry') {
        const timer = timers.setTimeout(() => void refresh([entry], 'retry'), action.delayMs);
        slots.retry = { at: action.at, timer };
      } else if (action.kind === 'guard') {
        if (slots.guard) timers.clearTimeout(slots.guard.timer);
        const timer = timers.setTimeout(() => {
          slots.guard = undefined;
          void refresh([entry], 'expiry-guard');
        }, Math.max(0, action.at - clock.now()));
        slots.guard = { at: action.at, timer };
      }
    }
    const candidates = [slots.retry?.at, slots.guard?.at, scheduler?.nextRun()].filter((t): t is number => t !== undefined);
    if (candidates.length > 0) engine.observer.nextRefresh(entry.labels, Math.min(...candidates));
  }

  function refresh(selected: TargetEntry[], trigger: Parameters<typeof engine.refresh>[1]) {
    // A refresh that starts replaces any retry still pending for its targets.
    for (const entry of selected) {
      const slots = due.get(entry);
      if (slots?.retry && !entry.running) {
        timers.clearTimeout(slots.retry.timer);
        slots.retry = undefined;
      }
    }
    return engine.refresh(selected, trigger);
  }

  function onTick() {
    const jitter = Math.floor((deps.random ?? Math.random)() * config.scheduleJitterMs);
    if (jitter <= 0) return void refresh(engine.entries, 'schedule');
    const timer = timers.setTimeout(() => {
      jitterTimers.delete(timer);
      void refresh(engine.entries, 'schedule');
    }, jitter);
    jitterTimers.add(timer);
  }

  return {
    entries: engine.entries,
    /** A cycle now, then on every tick, retry and guard. Resolves with the start-up cycle's outcomes. */
    start(): Promise<TargetOutcome[]> {
      if (scheduler) {
        const longest = scheduler.longestIntervalMs() + config.scheduleJitterMs;
        for (const entry of engine.entries) engine.observer.refreshInterval(entry.labels, longest);
        scheduler.start(onTick);
      }
      return refresh(engine.entries, 'startup');
    },
    isReady: () => engine.isReady(),
    /** Stops the schedule, clears every timer, and waits (bounded) for the work in flight. */
    async stop(deadlineMs: number): Promise<boolean> {
      scheduler?.stop();
      for (const timer of jitterTimers) timers.clearTimeout(timer);
      jitterTimers.clear();
      for (const slots of due.values()) {
        if (slots.retry) timers.clearTimeout(slots.retry.timer);
        if (slots.guard) timers.clearTimeout(slots.guard.timer);
      }
      due.clear();
      return engine.stop(deadlineMs);
    },
    /** How many timers the driver holds armed (retries, guards, jittered ticks); zero after stop(). */
    armedTimers(): number {
      let count = jitterTimers.size;
      for (const slots of due.values()) count += (slots.retry ? 1 : 0) + (slots.guard ? 1 : 0);
      return count;
    },
  };
}

export type DaemonDriver = ReturnType<typeof createDaemonDriver>;
