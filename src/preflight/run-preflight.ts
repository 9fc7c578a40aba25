// --dry-run as a preflight: checks each side on its own and reports every
// problem found, never stopping at the first. ECR is checked once per mint
// group (credentials, role, registry, the token's expiry); each target's sink
// through its read-only `plan` — with an unminted token when the mint failed,
// so a wrong API key is found even without AWS credentials. Nothing is written.
import type { Config, TargetConfig } from '../config/config.js';
import { groupByMintKey } from '../cycle/group-by-mint-key.js';
import { describeMintKey, type TokenMinter } from '../ecr/create-token-minter.js';
import type { EcrToken, MintKey } from '../ecr/ecr-token.js';
import { openBatches, sinkFor, type Sink, type SinkBatch, type Sinks } from '../sink/sink.js';
import { checkToken } from './check-token.js';
import type { PreflightCheck, PreflightProblem, PreflightReport, DryRunRequest } from './preflight-report.js';
import { problemOf } from './problem-of.js';
import { planTarget } from './plan-target.js';

export interface PreflightDeps {
  config: Config;
  mint: TokenMinter;
  sinks: Sinks;
  /** scheme://host:port a mint key's ECR calls go to. */
  ecrEndpoint(key: MintKey): string;
  now(): number;
  onToken?: (token: EcrToken) => void;
}

interface Finding {
  checks: PreflightCheck[];
  problems: PreflightProblem[];
  requests: DryRunRequest[];
}

export async function runPreflight(deps: PreflightDeps): Promise<PreflightReport> {
  const batchOf = openBatches();
  const groups = groupByMintKey(deps.config.targets.map((target) => ({ target })));
  const findings = await Promise.all(
    groups.map(async (group) => {
      const key = group[0]!.target;
      const minted = await mintChecked(deps, key, group.map((e) => e.target));
      const planned = await Promise.all(group.map((e) => sinkChecked(e.target, deps, batchOf, minted.token)));
      return [minted, ...planned];
    }),
  );
  const all = findings.flat();
  const problems = all.flatMap((f) => f.problems);
  // Requests in the order the targets are configured, not the order of their mint groups.
  const requests = all.flatMap((f) => f.requests);
  const order = deps.config.targets.map((t) => t.secretSet);
  requests.sort((a, b) => order.indexOf(a.target) - order.indexOf(b.target));
  return { ok: problems.length === 0, checks: all.flatMap((f) => f.checks), requests, problems };
}

async function mintChecked(deps: PreflightDeps, key: MintKey, targets: TargetConfig[]): Promise<Finding & { token?: EcrToken }> {
  const subject = describeMintKey(key);
  const endpoint = deps.ecrEndpoint(key);
  const names = targets.map((t) => t.secretSet);
  try {
    const token = await deps.mint(key);
    deps.onToken?.(token);
    const found = checkToken(token, key, deps.now(), deps.config.refreshMarginMs);
    const problems = found.flatMap((p) => names.map((target) => ({ target, side: 'ecr', ...p, endpoint })));
    const said = `token for ${token.registryHost}, valid until ${new Date(token.expiresAt).toISOString()}`;
    const checks = found.length
      ? found.map((p): PreflightCheck => ({ side: 'ecr', subject, endpoint, ok: false, said: p.message, fix: p.fix }))
      : [{ side: 'ecr', subject, endpoint, ok: true, said }];
    return { token, checks, problems, requests: [] };
  } catch (error) {
    const problems = names.map((target) => problemOf(target, 'ecr', error, endpoint));
    const { message, fix } = problems[0]!;
    return { checks: [{ side: 'ecr', subject, endpoint: problems[0]!.endpoint, ok: false, said: message, fix }], problems, requests: [] };
  }
}

async function sinkChecked(target: TargetConfig, deps: PreflightDeps, batchOf: (sink: Sink) => SinkBatch, token: EcrToken | undefined): Promise<Finding> {
  let sink: Sink;
  try {
    sink = sinkFor(target, deps.sinks);
  } catch (error) {
    const kind = target.destination.kind;
    const problem = problemOf(target.secretSet, kind, error);
    return { checks: [{ side: kind, subject: problem.target, ok: false, said: problem.message, fix: problem.fix }], problems: [problem], requests: [] };
  }
  return planTarget(target, sink, batchOf(sink), token, deps.now());
}
