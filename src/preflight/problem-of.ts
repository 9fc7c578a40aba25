// Turns whatever a check threw into a problem: the error's own code, reason,
// endpoint and fix when it is classified, a fix by reason otherwise; the fix
// is not repeated in the message.
import { ClassifiedError } from '../errors/classified-error.js';
import { RefreshError } from '../errors/refresh-error.js';
import type { PreflightProblem, PreflightSide } from './preflight-report.js';

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
