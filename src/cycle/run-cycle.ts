// One refresh cycle over some targets: group them by mint key, mint once per
// group, then plan, publish and confirm each target through its sink. Each
// target's result is handed to `settle` as soon as it is known, so that a
// target that failed early can be retried while others still wait to be
// confirmed. Errors leave here as RefreshErrors carrying the stage.
import type { TargetConfig } from '../config/config.js';
import type { TokenMinter } from '../ecr/create-token-minter.js';
import type { EcrToken } from '../ecr/ecr-token.js';
import { toRefreshError, type RefreshError, type Stage } from '../errors/refresh-error.js';
import type { Limiter } from '../refresh/create-limiter.js';
import { openBatches, type Sink, type SinkPlan } from '../sink/sink.js';
import { groupByMintKey } from './group-by-mint-key.js';

export interface CycleEntry {
  target: TargetConfig;
  sink: Sink;
}

export type TargetResult = { ok: true; plan: SinkPlan } | { ok: false; error: RefreshError };

export interface CycleDeps<E extends CycleEntry = CycleEntry> {
  mint: TokenMinter;
  /** Called with every token minted, so the process can scrub it from its output. */
  onToken?: (token: EcrToken) => void;
  /** Called as each stage of a target begins (the attempts counter). */
  onStage?: (entry: E, stage: Stage) => void;
  /** Bounds publishes in flight, not targets waiting to be confirmed. */
  limiter: Limiter;
  confirmTimeoutMs: () => number;
}

/** Runs `step` for each target of each mint group, with the group's token; a failed mint fails the whole group. */
export async function forEachMinted<E extends CycleEntry, R>(
  deps: Pick<CycleDeps<E>, 'mint' | 'onToken' | 'onStage'>,
  entries: readonly E[],
  step: (entry: E, token: EcrToken) => Promise<R>,
  onMintError: (entry: E, error: RefreshError) => R,
): Promise<R[]> {
  const groups = groupByMintKey(entries);
  const results = await Promise.all(
    groups.map(async (group) => {
      for (const entry of group) deps.onStage?.(entry, 'mint');
      let token: EcrToken;
      try {
        token = await deps.mint(group[0]!.target);
        deps.onToken?.(token);
      } catch (error) {
        return group.map((entry) => onMintError(entry, toRefreshError(error, 'mint')));
      }
      return Promise.all(group.map((entry) => step(entry, token)));
    }),
  );
  return results.flat();
}

export async function runCycle<E extends CycleEntry>(
  deps: CycleDeps<E>,
  entries: readonly E[],
  settle: (entry: E, result: TargetResult) => void,
): Promise<TargetResult[]> {
  const batchOf = openBatches();
  const done = (entry: E, result: TargetResult) => {
    settle(entry, result);
    return result;
  };
  return forEachMinted(
    deps,
    entries,
    async (entry, token) => {
      const batch = batchOf(entry.sink);
      let stage: Stage = 'push';
      try {
        deps.onStage?.(entry, 'push');
        const plan = await batch.plan(entry.target, token);
        await deps.limiter(() => batch.publish(plan));
        stage = 'confirm';
        deps.onStage?.(entry, 'confirm');
        await batch.confirm(plan, deps.confirmTimeoutMs());
        return done(entry, { ok: true, plan });
      } catch (error) {
        return done(entry, { ok: false, error: toRefreshError(error, stage) });
      }
    },
    (entry, error) => done(entry, { ok: false, error }),
  );
}
