// --dry-run as a preflight: checks each side on its own and reports every
// problem found, never stopping at the first. ECR is checked once per mint
// group (credentials, role, registry, the token's expiry); each target's sink
// through its read-only `plan` — with an unminted token when the mint failed,
// so a wrong API key is found even without AWS credentials. Nothing is written.
import type { Config, TargetConfig } from '../config/config.js';
import { groupByMintKey } from '../cycle/group-by-mint-key.js';
import { describeMintKey, type TokenMinter } from '../ecr/create-token-minter.js';
import type { EcrToken, MintKey } from '../ecr/ecr-token.js';
import { endpointOf } from '../http/endpoint.js';
import { openBatches, sinkFor, type Sink, type SinkBatch, type Sinks } from '../sink/sink.js';
import { problemOf, type DryRunRequest, type PreflightCheck, type PreflightProblem, type PreflightReport } from './preflight-report.js';

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
  const order = deps.config.targets.map((t) => t.name);
  requests.sort((a, b) => order.indexOf(a.target) - order.indexOf(b.target));
  return { ok: problems.length === 0, checks: all.flatMap((f) => f.checks), requests, problems };
}

async function mintChecked(deps: PreflightDeps, key: MintKey, targets: TargetConfig[]): Promise<Finding & { token?: EcrToken }> {
  const subject = describeMintKey(key);
  const endpoint = deps.ecrEndpoint(key);
  const names = targets.map((t) => t.name);
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
    const problem = problemOf(target.name, kind, error);
    return { checks: [{ side: kind, subject: problem.target, ok: false, said: problem.message, fix: problem.fix }], problems: [problem], requests: [] };
  }
  return planTarget(target, sink, batchOf(sink), token, deps.now());
}

// One target's sink check: ask the sink for its read-only plan and report the
// request it would send (redacted), its notes, or the problem it met. Without
// a token the plan is made with an unminted one, and the preview says which
// secret lengths are unknown.
async function planTarget(
  target: TargetConfig,
  sink: Sink,
  batch: SinkBatch,
  token: EcrToken | undefined,
  now: number,
): Promise<{ checks: PreflightCheck[]; problems: PreflightProblem[]; requests: DryRunRequest[] }> {
  const { kind, name, endpoint } = sink.describe(target);
  try {
    const plan = await batch.plan(target, token ?? unmintedToken(target, now));
    const preview = token ? plan.preview : unknownLengths(plan.preview);
    const request: DryRunRequest = {
      target: name,
      ...preview,
      tokenExpiresAt: token ? new Date(token.expiresAt).toISOString() : null,
      creating: plan.creating,
    };
    const where = endpoint ?? endpointOf(plan.preview.url);
    const problems = (plan.notes ?? []).map((note) => ({ target: name, side: kind, ...note, endpoint: where }));
    const checks: PreflightCheck[] = problems.length
      ? problems.map((p) => ({ side: kind, subject: name, endpoint: where, ok: false, said: p.message, fix: p.fix }))
      : [{ side: kind, subject: name, endpoint: where, ok: true, said: describePlan(plan.details, plan.creating) }];
    return { checks, problems, requests: [request] };
  } catch (error) {
    const problem = problemOf(name, kind, error, endpoint);
    return {
      checks: [{ side: kind, subject: name, endpoint: problem.endpoint, ok: false, said: problem.message, fix: problem.fix }],
      problems: [problem],
      requests: [],
    };
  }
}

/** `would create it (format image-pull-secret)` / `would update it (format triplet, status ready)`. */
function describePlan(details: Record<string, unknown>, creating: boolean): string {
  const facts = Object.entries(details)
    .filter(([key, value]) => key !== 'registry' && key !== 'created' && value !== undefined)
    .map(([key, value]) => `${key} ${String(value)}`);
  return `${creating ? 'would create it' : 'would update it'}${facts.length ? ` (${facts.join(', ')})` : ''}`;
}

// What a minted token must be for a refresh to keep the targets usable: for
// the registry asked for, and living at least twice the refresh margin (or the
// daemon refreshes it at half its life, with less room for an outage).
// Problems, never thrown: the sinks are still checked with the token.
interface TokenProblem {
  code: 'ERR_PREFLIGHT_TOKEN';
  reason: 'token_expired' | 'bad_response';
  message: string;
  fix: string;
}

function checkToken(token: EcrToken, key: MintKey, now: number, refreshMarginMs: number): TokenProblem[] {
  const problems: TokenProblem[] = [];
  const lifetimeMs = token.expiresAt - now;
  // Under twice the margin the daemon refreshes at half the token's life (see target-transitions.ts).
  if (lifetimeMs < 2 * refreshMarginMs) {
    problems.push({
      code: 'ERR_PREFLIGHT_TOKEN',
      reason: 'token_expired',
      message:
        `the token expires in ${Math.round(lifetimeMs / 60_000)} min, less than twice REFRESH_MARGIN (${Math.round(refreshMarginMs / 60_000)} min): ` +
        'the daemon would refresh it at half its life instead of at the margin, so an outage longer than that half lets it expire',
      fix: "lower REFRESH_MARGIN below half the token's lifetime (ECR tokens live 12 h), or check this host's clock",
    });
  }
  if (key.registryId && !token.registryHost.startsWith(`${key.registryId}.`)) {
    problems.push({
      code: 'ERR_PREFLIGHT_TOKEN',
      reason: 'bad_response',
      message: `ECR issued a token for ${token.registryHost}, not for registry ${key.registryId}`,
      fix: 'check ECR_REGISTRY_ID (the 12-digit account id of the registry) and the AWS endpoint override',
    });
  }
  return problems;
}

// The token a sink plans with when none could be minted, so that the sink's
// side (its key, the destination's type and region) is still checked. Its
// secrets are empty; `unknownLengths` marks them in the redacted preview.
/** ECR's token lifetime: a sink that reads the expiry sees a plausible one. */
const ECR_TOKEN_LIFETIME_MS = 12 * 3600_000;

function unmintedToken(key: MintKey, now: number): EcrToken {
  const registryHost = `${key.registryId ?? 'ACCOUNT'}.dkr.ecr.${key.awsRegion}.amazonaws.com`;
  return { password: '', authorizationToken: '', expiresAt: now + ECR_TOKEN_LIFETIME_MS, proxyEndpoint: `https://${registryHost}`, registryHost };
}

const ZERO_LENGTH = /^\[REDACTED 0 chars\]$/;

/** The preview with each empty secret (`[REDACTED 0 chars]`) said to be of unknown length. */
function unknownLengths<T>(value: T): T {
  if (typeof value === 'string') return (ZERO_LENGTH.test(value) ? '[REDACTED: length unknown, no token was minted]' : value) as T;
  if (Array.isArray(value)) return value.map(unknownLengths) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unknownLengths(v)])) as T;
  }
  return value;
}
