// What an HTTP answer says, read the same way by every client (secrets API,
// Kubernetes API, webhook, Pushgateway): whether its status is worth another
// try, how long the server asked us to wait (Retry-After), a short excerpt of
// what it said with every known secret taken out, whether a proxy rather than
// the API answered (an HTML page), and the body itself, read up to a cap.
import type { FailureReason } from '../errors/classified-error.js';
import { redactSecretLike, redactSecrets } from '../log/redact-secrets.js';

/**
 * What a non-2xx status means to any HTTP API: 409 (a concurrent write), 429
 * and 5xx can pass on another try; any other status needs a person, and
 * clients that know their API add what to change.
 */
export function statusMeaning(status: number): { reason: FailureReason; retryable: boolean } {
  if (status === 401 || status === 403) return { reason: 'unauthorized', retryable: false };
  if (status === 404) return { reason: 'not_found', retryable: false };
  if (status === 409) return { reason: 'conflict', retryable: true };
  if (status === 429) return { reason: 'rate_limited', retryable: true };
  if (status >= 500) return { reason: 'server_error', retryable: true };
  return { reason: 'bad_request', retryable: false };
}

/** Retry-After as delta-seconds or an HTTP date, in ms from `now`; undefined when absent or unusable. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A page rather than an API's answer: something in front of the API (a WAF, a load balancer, a proxy) replied. */
export function isHtmlReply(body: string, contentType?: string | string[]): boolean {
  const type = Array.isArray(contentType) ? contentType[0] : contentType;
  return /\btext\/html\b/i.test(type ?? '') || /^\s*<(!doctype html|html)\b/i.test(body);
}

const MAX_EXCERPT = 300;

/** What a remote side said, as one line of at most 300 characters (an ellipsis where it was cut). */
export function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_EXCERPT ? `${flat.slice(0, MAX_EXCERPT - 1)}…` : flat;
}

/**
 * What the server said, short enough for one log line: the `message` (a
 * Kubernetes Status) or `error` (+ its string `code`) of a JSON reply, the
 * title or text of an HTML page, or the start of anything else. Servers may
 * quote the request back, so every known secret, and any long base64 run,
 * is taken out first.
 */
export function serverMessage(body: string, secrets: Iterable<string> = []): string | undefined {
  const clean = redactSecretLike(redactSecrets(body, secrets));
  const said = jsonMessage(clean);
  if (said !== undefined) return `${excerpt(said.message)}${said.code ? ` [${said.code}]` : ''}` || undefined;
  return excerpt(isHtmlReply(clean) ? htmlText(clean) : clean) || undefined;
}

function jsonMessage(text: string): { message: string; code?: string } | undefined {
  try {
    const parsed = JSON.parse(text) as { message?: unknown; error?: unknown; code?: unknown };
    const message = typeof parsed.message === 'string' ? parsed.message : typeof parsed.error === 'string' ? parsed.error : undefined;
    if (message === undefined) return undefined;
    return { message, code: typeof parsed.code === 'string' ? parsed.code : undefined };
  } catch {
    return undefined;
  }
}

function htmlText(html: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1]?.trim();
  return title || html.replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ');
}

/**
 * Reads a reply body as text, up to a limit: a server (or something
 * impersonating one) must not make the process buffer without end. Past the
 * limit the stream is destroyed and the caller's own error is thrown.
 */
export async function readCappedBody(body: AsyncIterable<Buffer>, limitBytes: number, tooLarge: () => Error): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limitBytes) {
      (body as unknown as { destroy?: () => void }).destroy?.();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
