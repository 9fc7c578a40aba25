// The one error type a refresh attempt can end with. Every remote fault and
// every local refusal is turned into this shape so that retry policy, metrics,
// logs and alerts all read the same three facts: stage, reason, retryable.
import { OutboundError } from './outbound-error.js';

export type Stage = 'mint' | 'push' | 'confirm';

export type FailureReason =
  | 'throttled'
  | 'access_denied'
  | 'invalid_credentials'
  | 'server_error'
  | 'timeout'
  | 'connection_error'
  | 'dns_error'
  | 'bad_response'
  | 'token_expired'
  | 'unauthorized'
  | 'bad_request'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'provisioning_failed'
  | 'provisioning_timeout'
  | 'config'
  | 'unknown';

export interface RefreshErrorOptions {
  stage: Stage;
  reason: FailureReason;
  retryable: boolean;
  status?: number;
  retryAfterMs?: number;
  cause?: unknown;
}

export class RefreshError extends Error {
  override name = 'RefreshError';
  readonly code = 'ERR_REFRESH';
  readonly stage: Stage;
  readonly reason: FailureReason;
  readonly retryable: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(message: string, options: RefreshErrorOptions) {
    super(message, { cause: options.cause });
    this.stage = options.stage;
    this.reason = options.reason;
    this.retryable = options.retryable;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The engine's view of any failure at a stage: outbound errors keep their facts and gain the stage. */
export function toRefreshError(error: unknown, stage: Stage): RefreshError {
  if (error instanceof RefreshError) return error;
  if (error instanceof OutboundError) {
    const { reason, retryable, status, retryAfterMs } = error;
    return new RefreshError(error.message, { stage, reason, retryable, status, retryAfterMs, cause: error });
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
