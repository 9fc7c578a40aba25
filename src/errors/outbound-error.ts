// The one error every outbound client throws (secrets API, webhook,
// Pushgateway): what failed, whether trying again can help, and the endpoint it
// tried as scheme://host:port (endpointOf in src/http/endpoint.ts) — never a
// path's secret, a query string or a credential. It knows nothing of refresh stages; the engine adds those.
import { ClassifiedError, type FailureFacts } from './classified-error.js';
import { errorCodes, networkFailureReason } from '../http/cause-chain.js';

/**
 * Stable codes: the request was answered with an error status, never got an
 * answer, got an unusable one, or could not be signed (no usable credentials).
 */
export type OutboundCode = 'ERR_OUTBOUND_STATUS' | 'ERR_OUTBOUND_NETWORK' | 'ERR_OUTBOUND_REPLY' | 'ERR_OUTBOUND_CREDENTIALS';

export interface OutboundErrorOptions extends FailureFacts {
  code: OutboundCode;
  endpoint: string;
}

export class OutboundError extends ClassifiedError {
  override name = 'OutboundError';
  readonly code: OutboundCode;
  override readonly endpoint: string;

  constructor(message: string, options: OutboundErrorOptions) {
    super(message, options);
    this.code = options.code;
    this.endpoint = options.endpoint;
  }
}

/** A request that never got an answer: `<what> failed: connection refused (ECONNREFUSED)`. Always retryable. */
export function networkError(what: string, endpoint: string, cause: unknown): OutboundError {
  const reason = networkFailureReason(cause) ?? 'connection_error';
  const code = errorCodes(cause)[0];
  const said = code === 'ECONNREFUSED' ? 'connection refused' : reason.replace('_', ' ');
  return new OutboundError(`${what} failed: ${said}${code ? ` (${code})` : ''}`, {
    code: 'ERR_OUTBOUND_NETWORK',
    reason,
    retryable: true,
    endpoint,
    fix: `check that ${endpoint} is the right address and is reachable from here (its URL setting, HTTPS_PROXY / NO_PROXY, firewall)`,
    cause,
  });
}

export function isOutboundError(value: unknown): value is OutboundError {
  return value instanceof OutboundError;
}
