// The one error every outbound client throws (secrets API, webhook,
// Pushgateway): what failed, whether trying again can help, and the endpoint it
// tried as scheme://host:port — never a path's secret, a query string or a
// credential. It knows nothing of refresh stages; the engine adds those.
import { ClassifiedError, type FailureFacts } from './classified-error.js';
import { networkFailureReason } from './network-failure-reason.js';

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

/** scheme://host:port of a URL, with the default port spelled out; nothing else of it. */
export function endpointOf(url: string | URL): string {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  const port = parsed.port || (parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : '');
  return `${parsed.protocol}//${parsed.hostname}${port ? `:${port}` : ''}`;
}

/** A request that never got an answer: `<what> failed: connection refused (ECONNREFUSED)`. Always retryable. */
export function networkError(what: string, endpoint: string, cause: unknown): OutboundError {
  const reason = networkFailureReason(cause) ?? 'connection_error';
  const code = firstCode(cause);
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

function firstCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const { code } = current as { code?: unknown };
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isOutboundError(value: unknown): value is OutboundError {
  return value instanceof OutboundError;
}
