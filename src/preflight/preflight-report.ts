// What --dry-run finds: one check per side (ECR per mint group, each target's
// sink), the redacted requests a refresh would send, and every problem, each
// naming the endpoint it concerns and the fix. Machine-readable on stdout;
// formatPreflightSummary is the human side, for stderr.
import { ClassifiedError } from '../errors/classified-error.js';
import { RefreshError } from '../errors/refresh-error.js';
import type { PublishPreview } from '../sink/sink.js';

/** `ecr` for a mint group, the sink's kind (`pipecat`, ...) for a target. */
export type PreflightSide = string;

export interface PreflightProblem {
  /** The target's name (the secret set, `<namespace>/<name>`, ...). */
  target: string;
  side: PreflightSide;
  /** The error's stable code (ERR_OUTBOUND_STATUS, ERR_PREFLIGHT_TOKEN, ...). */
  code: string;
  /** Its failure reason (unauthorized, connection_error, config, ...). */
  reason: string;
  /** scheme://host:port tried, when the check went to a remote side. */
  endpoint?: string;
  message: string;
  fix: string;
}

export interface PreflightCheck {
  side: PreflightSide;
  /** What was checked: the mint key (`the default registry in us-east-1`) or the target's name. */
  subject: string;
  endpoint?: string;
  ok: boolean;
  /** On success: what was found; on failure: the problem's message. */
  said: string;
  fix?: string;
}

export interface DryRunRequest extends PublishPreview {
  target: string;
  /** When the token ends; null when no token could be minted (secret lengths are then unknown). */
  tokenExpiresAt: string | null;
  creating: boolean;
}

export interface PreflightReport {
  ok: boolean;
  checks: PreflightCheck[];
  requests: DryRunRequest[];
  problems: PreflightProblem[];
}

// Turns whatever a check threw into a problem: the error's own code, reason,
// endpoint and fix when it is classified, a fix by reason otherwise; the fix
// is not repeated in the message.
const FIX_BY_REASON: Record<string, string> = {
  unauthorized: 'check the API key the target is written with',
  not_found: 'check the API URL setting',
  server_error: 'the service failed: try again later; if it persists, contact its operator',
  rate_limited: 'the service is rate limiting this caller: try again later',
  throttled: 'the service is rate limiting this caller: try again later',
};

export function problemOf(target: string, side: PreflightSide, error: unknown, fallbackEndpoint?: string): PreflightProblem {
  // A RefreshError made from an outbound one keeps that error's code.
  const original = error instanceof RefreshError && error.cause instanceof ClassifiedError ? error.cause : error;
  if (original instanceof ClassifiedError) {
    const fix = original.fix ?? FIX_BY_REASON[original.reason] ?? 'see the message';
    const endpoint = original.endpoint ?? fallbackEndpoint;
    return {
      target,
      side,
      code: (original as { code?: string }).code ?? 'ERR_PREFLIGHT',
      reason: original.reason,
      ...(endpoint && { endpoint }),
      message: original.message.replace(` (${fix})`, '').replace(`: ${fix}`, ''),
      fix,
    };
  }
  return {
    target,
    side,
    code: 'ERR_PREFLIGHT',
    reason: 'unknown',
    ...(fallbackEndpoint && { endpoint: fallbackEndpoint }),
    message: (error as Error)?.message ?? String(error),
    fix: 'see the message',
  };
}

// The human side of --dry-run, for stderr: one line per check, ok or problem,
// naming the endpoint and, for a problem, the fix on the line below.
export function formatPreflightSummary(report: PreflightReport): string {
  const failed = report.checks.filter((c) => !c.ok).length;
  const head = failed
    ? `preflight: ${failed} of ${report.checks.length} checks found a problem; nothing was written`
    : `preflight: all ${report.checks.length} checks passed; nothing was written`;
  const width = Math.max(...report.checks.map((c) => c.side.length), 3);
  const lines = report.checks.map((check) => {
    const where = check.endpoint ? ` at ${check.endpoint}` : '';
    const line = `  ${check.ok ? 'ok     ' : 'PROBLEM'}  ${check.side.padEnd(width)}  ${check.subject}${where}: ${check.said}`;
    return check.fix ? `${line}\n  ${' '.repeat(7 + 2 + width + 2)}fix: ${check.fix}` : line;
  });
  return `${[head, ...lines].join('\n')}\n`;
}
