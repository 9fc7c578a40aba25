// What a failed invocation throws, so that the invoker, the schedule's retry
// and the function's Errors metric all see the failure. The message names the
// sets and their stage and reason codes only: the details (which could quote a
// remote reply) are in the scrubbed log lines.
import type { TargetOutcome } from '../refresh/create-engine.js';

export interface FailedTarget {
  secretSet: string;
  stage?: string;
  reason: string;
}

export class RefreshFailedError extends Error {
  override name = 'RefreshFailedError';
  readonly code = 'ERR_REFRESH_FAILED';
  readonly failed: FailedTarget[];

  constructor(outcomes: TargetOutcome[]) {
    const failed = outcomes
      .filter((o) => !o.ok)
      .map((o): FailedTarget => (o.error ? { secretSet: o.name, stage: o.error.stage, reason: o.error.reason } : { secretSet: o.name, reason: 'not_attempted' }));
    const list = failed.map((f) => `${f.secretSet} (${f.stage ? `${f.stage}: ` : ''}${f.reason})`).join(', ');
    super(`${failed.length} of ${outcomes.length} secret sets not refreshed: ${list}; see the log lines of this invocation`);
    this.failed = failed;
  }
}
