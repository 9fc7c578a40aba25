// --dry-run: mint for every target and ask its sink for the plan — the same
// plan a refresh publishes — and return what publishing would send, with every
// secret value replaced by its length. Plans only read (the Pipecat sink lists
// the sets to resolve the `auto` format); nothing is written.
import type { Config } from '../config/config.js';
import type { TokenMinter } from '../ecr/create-token-minter.js';
import type { EcrToken } from '../ecr/ecr-token.js';
import { forEachMinted } from '../cycle/run-cycle.js';
import { sinkFor, type Sinks } from '../sink/sink-for.js';
import { openBatches } from '../sink/open-batches.js';
import type { PublishPreview } from '../sink/sink.js';

export interface DryRunRequest extends PublishPreview {
  tokenExpiresAt: string;
  creating: boolean;
}

export async function dryRun(deps: {
  config: Config;
  mint: TokenMinter;
  sinks: Sinks;
  onToken?: (token: EcrToken) => void;
}): Promise<DryRunRequest[]> {
  const batchOf = openBatches();
  const entries = deps.config.targets.map((target) => ({ target, sink: sinkFor(target, deps.sinks) }));
  const planned = await forEachMinted(
    deps,
    entries,
    async (entry, token) => {
      const plan = await batchOf(entry.sink).plan(entry.target, token);
      const request: DryRunRequest = { ...plan.preview, tokenExpiresAt: new Date(token.expiresAt).toISOString(), creating: plan.creating };
      return { entry, request };
    },
    (_entry, error) => {
      throw error;
    },
  );
  // In the order the targets are configured, not the order of their mint groups.
  return entries.map((entry) => planned.find((p) => p.entry === entry)!.request);
}
