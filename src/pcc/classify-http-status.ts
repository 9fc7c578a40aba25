// Decides what a non-2xx answer from the secrets API means, following the
// documented status table: 409, 429 and 5xx are retried; other 4xx need a
// person and are not.
import type { FailureReason } from '../errors/refresh-error.js';
import { OutboundError } from '../errors/outbound-error.js';

export function classifyHttpStatus(options: {
  status: number;
  serverMessage?: string;
  retryAfterMs?: number;
  what: string;
  endpoint: string;
}): OutboundError {
  const { status, what } = options;
  let reason: FailureReason;
  let retryable = false;
  let fix: string | undefined;
  if (status === 401 || status === 403) {
    reason = 'unauthorized';
    fix = 'check PCC_API_KEY: it must be a Pipecat Cloud private API key of the organisation';
  } else if (status === 404) {
    reason = 'not_found';
    fix = 'check PCC_API_URL: it should end in /v1';
  } else if (status === 409) {
    [reason, retryable] = ['conflict', true];
  } else if (status === 429) {
    [reason, retryable] = ['rate_limited', true];
  } else if (status >= 500) {
    [reason, retryable] = ['server_error', true];
  } else {
    reason = 'bad_request';
  }
  const said = options.serverMessage ? `: ${options.serverMessage}` : '';
  return new OutboundError(`${what} answered HTTP ${status}${said}${fix ? ` (${fix})` : ''}`, {
    code: 'ERR_OUTBOUND_STATUS',
    reason,
    retryable,
    status,
    retryAfterMs: options.retryAfterMs,
    endpoint: options.endpoint,
    fix,
  });
}

/** Retry-After as delta-seconds or an HTTP date; undefined when absent or unusable. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
