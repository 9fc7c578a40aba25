// One target's sink check: ask the sink for its read-only plan and report the
// request it would send (redacted), its notes, or the problem it met. Without
// a token the plan is made with an unminted one, and the preview says which
// secret lengths are unknown.
import type { TargetConfig } from '../config/config.js';
import type { EcrToken } from '../ecr/ecr-token.js';
import { endpointOf } from '../http/endpoint.js';
import type { Sink, SinkBatch } from '../sink/sink.js';
import type { DryRunRequest, PreflightCheck, PreflightProblem } from './preflight-report.js';
import { problemOf } from './problem-of.js';
import { unknownLengths, unmintedToken } from './unminted-token.js';

export async function planTarget(
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
