// One cycle as the log tells it: "refresh started", each target settled as
// its result arrives, "refresh finished" with the count that failed.
import type { Logger } from 'pino';
import { runCycle, type CycleDeps, type TargetResult } from '../cycle/run-cycle.js';
import type { RefreshError } from '../errors/refresh-error.js';
import type { Clock } from '../schedule/clock.js';
import type { TargetEntry } from './target-entry.js';

export interface TargetOutcome {
  /** The target's name (its `secret_set` label). */
  name: string;
  ok: boolean;
  error?: RefreshError;
  expiresAt?: number;
}

export async function runLoggedCycle(
  deps: {
    log: Logger;
    clock: Clock;
    cycleDeps: CycleDeps<TargetEntry>;
    settle: (entry: TargetEntry, result: TargetResult, log: Logger) => void;
  },
  eligible: TargetEntry[],
): Promise<TargetOutcome[]> {
  const { log, clock } = deps;
  const started = clock.now();
  log.info({ targets: eligible.length }, 'refresh started');
  const outcomes: TargetOutcome[] = [];
  await runCycle(deps.cycleDeps, eligible, (entry, result) => {
    deps.settle(entry, result, log);
    outcomes.push(
      result.ok
        ? { name: entry.name, ok: true, expiresAt: result.plan.token.expiresAt }
        : { name: entry.name, ok: false, error: result.error },
    );
  });
  const failed = outcomes.filter((o) => !o.ok).length;
  log.info({ targets: outcomes.length, failed, durationMs: clock.now() - started }, 'refresh finished');
  return outcomes;
}
