// The daemon: a cycle of every target at start-up and on every scheduled tick
// (after a random jitter), a retry of a failed target when its backoff runs
// out, and a refresh of a target as soon as its token enters the margin (the
// expiry guard). It owns every timer it arms; stop() clears them all.
import type { TargetEntry } from '../refresh/target-entry.js';
import { createEngine, type EngineDeps, type TargetOutcome } from '../refresh/create-engine.js';
import type { TargetAction } from '../refresh/target-transitions.js';
import type { Scheduler } from '../schedule/scheduler.js';
import { createOwnedTimers } from './create-owned-timers.js';

export function createDaemonDriver(deps: EngineDeps & { scheduler?: Scheduler }) {
  const { config, timers, clock, scheduler } = deps;
  const owned = createOwnedTimers(timers, clock);
  const engine = createEngine(deps, { daemon: true, onSettled: carryOut });
  const retryKey = (entry: TargetEntry) => `retry\u0000${entry.name}`;
  const guardKey = (entry: TargetEntry) => `guard\u0000${entry.name}`;
  let ticks = 0;

  function carryOut(entry: TargetEntry, actions: TargetAction[]) {
    for (const action of actions) {
      if (action.kind === 'retry') owned.arm(retryKey(entry), action.at, () => void refresh([entry], 'retry'));
      else if (action.kind === 'guard') owned.arm(guardKey(entry), action.at, () => void refresh([entry], 'expiry-guard'));
    }
    const candidates = [owned.dueAt(retryKey(entry)), owned.dueAt(guardKey(entry)), scheduler?.nextRun()];
    const due = candidates.filter((t): t is number => t !== undefined);
    if (due.length > 0) engine.observer.nextRefresh(entry.labels, Math.min(...due));
  }

  function refresh(selected: TargetEntry[], trigger: Parameters<typeof engine.refresh>[1]) {
    // A refresh that starts replaces any retry still pending for its targets.
    for (const entry of selected) if (!entry.running) owned.clear(retryKey(entry));
    return engine.refresh(selected, trigger);
  }

  function onTick() {
    const jitter = Math.floor((deps.random ?? Math.random)() * config.scheduleJitterMs);
    if (jitter <= 0) return void refresh(engine.entries, 'schedule');
    owned.arm(`tick\u0000${++ticks}`, clock.now() + jitter, () => void refresh(engine.entries, 'schedule'));
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
      owned.clearAll();
      return engine.stop(deadlineMs);
    },
    /** How many timers the driver holds armed (retries, guards, jittered ticks); zero after stop(). */
    armedTimers: () => owned.size,
  };
}

export type DaemonDriver = ReturnType<typeof createDaemonDriver>;
