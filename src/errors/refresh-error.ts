// The one error type a refresh attempt can end with. Every remote fault and
// every local refusal is turned into this shape so that retry policy, metrics,
// logs and alerts all read the same three facts: stage, reason, retryable.
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

export function isRefreshError(value: unknown): value is RefreshError {
  return value instanceof RefreshError;
}
