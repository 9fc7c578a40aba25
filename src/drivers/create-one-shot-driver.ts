// One cycle of every target, then retryable failures again a few times with
// short waits, and done. A run can be bound by a deadline (`remainingMs`):
// no retry starts that could not finish before it, and confirm waits are cut
// to fit. That makes a serverless handler a thin file: it passes the
// invocation's remaining time minus a margin.
import { backoffDelay } from '../refresh/backoff-delay.js';
import { createEngine, type EngineDeps, type TargetOutcome } from '../refresh/create-engine.js';
import type { TargetEntry } from '../refresh/target-entry.js';
import type { TimerHandle } from '../schedule/clock.js';

/** Retryable failures get this many attempts in all, with short waits. */
export const ONE_SHOT_ATTEMPTS = 4;
const MAX_DELAY_MS = 30_000;

export interface OneShotOptions {
  /** Time left for the whole run, in ms; unbounded when absent. */
  remainingMs?: () => number;
}

export function createOneShotDriver(deps: EngineDeps, options: OneShotOptions = {}) {
  const { config, timers } = deps;
  const remaining = options.remainingMs ?? (() => Number.POSITIVE_INFINITY);
  const engine = createEngine(deps, {
    daemon: false,
    confirmTimeoutMs: () => Math.max(0, Math.min(config.confirmTimeoutMs, remaining())),
  });
  const sleepers = new Map<() => void, TimerHandle>();

  /** A wait between attempts; stop() ends it early. */
  function sleep(ms: number) {
    return new Promise<void>((resolve) => {
      const wake = () => {
        timers.clearTimeout(sleepers.get(wake)!);
        sleepers.delete(wake);
        resolve();
      };
      sleepers.set(wake, timers.setTimeout(wake, ms));
    });
  }

  function nextDelay(attempt: number, pending: TargetEntry[]): number {
    const hint = Math.max(0, ...pending.map((entry) => entry.record.lastFailure?.retryAfterMs ?? 0));
    return backoffDelay(
      attempt,
      { initialDelayMs: Math.min(config.retryInitialDelayMs, 2_000), maxDelayMs: MAX_DELAY_MS, random: deps.random },
      { retryAfterMs: hint || undefined },
    );
  }

  return {
    entries: engine.entries,
    /** One cycle for every target, retrying retryable failures while attempts and time remain. */
    async run(): Promise<TargetOutcome[]> {
      const results = new Map<TargetEntry, TargetOutcome>();
      let pending = engine.entries;
      for (let attempt = 0; attempt < ONE_SHOT_ATTEMPTS && pending.length > 0 && !engine.stopped; attempt++) {
        if (attempt > 0) {
          const delay = nextDelay(attempt - 1, pending);
          // A retry that would start after the deadline cannot finish before it.
          if (delay >= remaining()) break;
          await sleep(delay);
        } else if (remaining() <= 0) {
          // Nor can a first attempt once the deadline has passed (a timeout shorter than the margin).
          deps.logger.error({ remainingMs: remaining() }, 'no time left for a refresh before the deadline; nothing was attempted');
          break;
        }
        const outcomes = await engine.refresh(pending, attempt === 0 ? 'once' : 'retry');
        for (const outcome of outcomes) results.set(engine.entries.find((e) => e.name === outcome.secretSet)!, outcome);
        pending = engine.entries.filter((entry) => {
          const outcome = results.get(entry);
          return outcome && !outcome.ok && outcome.error?.retryable;
        });
      }
      return engine.entries.map((entry) => results.get(entry) ?? { secretSet: entry.name, ok: false });
    },
    isReady: () => engine.isReady(),
    /** Ends a wait between attempts at once, and waits (bounded) for the cycle in flight. */
    async stop(deadlineMs: number): Promise<boolean> {
      const stopping = engine.stop(deadlineMs);
      for (const wake of [...sleepers.keys()]) wake();
      return stopping;
    },
  };
}

export type OneShotDriver = ReturnType<typeof createOneShotDriver>;
