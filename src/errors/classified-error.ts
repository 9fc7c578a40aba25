// What every failure the refresher classifies carries: a reason, whether
// trying again can help, and what the remote side said (status, Retry-After).
// RefreshError adds the stage; OutboundError adds a stable code and the endpoint.
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

export interface FailureFacts {
  reason: FailureReason;
  retryable: boolean;
  status?: number;
  retryAfterMs?: number;
  /** scheme://host:port of the remote side tried, when there was one. */
  endpoint?: string;
  /** What a person should change, when the failure needs one (shown by --dry-run). */
  fix?: string;
  cause?: unknown;
}

export abstract class ClassifiedError extends Error {
  readonly reason: FailureReason;
  readonly retryable: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly endpoint?: string;
  readonly fix?: string;

  constructor(message: string, facts: FailureFacts) {
    super(message, { cause: facts.cause });
    this.reason = facts.reason;
    this.retryable = facts.retryable;
    this.status = facts.status;
    this.retryAfterMs = facts.retryAfterMs;
    this.endpoint = facts.endpoint;
    this.fix = facts.fix;
  }
}
