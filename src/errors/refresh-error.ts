// The one error type a refresh attempt can end with. Every remote fault and
// every local refusal is turned into this shape so that retry policy, metrics,
// logs and alerts all read the same three facts: stage, reason, retryable.
import { ClassifiedError, type FailureFacts } from './classified-error.js';
import { OutboundError } from './outbound-error.js';

export type Stage = 'mint' | 'push' | 'confirm';

export type { FailureReason } from './classified-error.js';

export interface RefreshErrorOptions extends FailureFacts {
  stage: Stage;
}

export class RefreshError extends ClassifiedError {
  override name = 'RefreshError';
  readonly code = 'ERR_REFRESH';
  readonly stage: Stage;

  constructor(message: string, options: RefreshErrorOptions) {
    super(message, options);
    this.stage = options.stage;
  }
}

/** The engine's view of any failure at a stage: outbound errors keep their facts and gain the stage. */
export function toRefreshError(error: unknown, stage: Stage): RefreshError {
  if (error instanceof RefreshError) return error;
  if (error instanceof OutboundError) {
    const { reason, retryable, status, retryAfterMs, endpoint, fix } = error;
    return new RefreshError(error.message, { stage, reason, retryable, status, retryAfterMs, endpoint, fix, cause: error });
  }
  return new RefreshError(`unexpected failure: ${(error as Error)?.message ?? String(error)}`, {
    stage,
    reason: 'unknown',
    retryable: true,
    cause: error,
  });
}

export function isRefreshError(value: unknown): value is RefreshError {
  return value instanceof RefreshError;
}
