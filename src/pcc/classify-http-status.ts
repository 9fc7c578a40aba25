// Decides what a non-2xx answer from the secrets API means, following the
// documented status table (statusMeaning: 409, 429 and 5xx are retried; other
// 4xx need a person and are not), with the setting to check. A 403 that is an
// HTML page came from something in front of the API (a WAF, a load balancer,
// a proxy), not from the API: the key is not what to check.
import { OutboundError } from '../errors/outbound-error.js';
import { statusMeaning } from '../http/reply.js';

export function classifyHttpStatus(options: {
  status: number;
  serverMessage?: string;
  retryAfterMs?: number;
  /** The reply was an HTML page rather than the API's JSON. */
  html?: boolean;
  what: string;
  endpoint: string;
}): OutboundError {
  const { status, what, endpoint } = options;
  const { reason, retryable } = statusMeaning(status);
  const said = options.serverMessage ? `: ${options.serverMessage}` : '';
  const fix = fixOf(status, options.html === true, endpoint);
  const by = status === 403 && options.html ? ' from a WAF or proxy in front of the API (an HTML page, not the API\'s JSON)' : '';
  return new OutboundError(`${what} answered HTTP ${status}${by}${said}${fix ? ` (${fix})` : ''}`, {
    code: 'ERR_OUTBOUND_STATUS',
    reason,
    retryable,
    status,
    retryAfterMs: options.retryAfterMs,
    endpoint,
    fix,
  });
}

function fixOf(status: number, html: boolean, endpoint: string): string | undefined {
  if (status === 403 && html) {
    return `a WAF, load balancer or proxy in front of ${endpoint} refused the request: ask whoever runs it to allow this client's requests (its address, and the PUT of /secrets), or set PCC_API_URL to an address it does not guard`;
  }
  if (status === 401 || status === 403) return 'check PCC_API_KEY: it must be a Pipecat Cloud private API key of the organisation';
  if (status === 404) return 'check PCC_API_URL: it should end in /v1';
  return undefined;
}
