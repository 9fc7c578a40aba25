// The chain of causes of an error, outermost first: undici wraps the socket's
// error, the AWS SDK wraps undici's, each of our errors wraps what it met. The
// one walker every reader of that chain uses (network failure reasons, the
// codes named in messages, the origin a log line takes its stack from). It is
// bounded, so an error that is its own cause cannot hold it. A request that
// got no answer is named by what its chain says: DNS, a timeout or the
// connection; every such fault is retryable, only the label differs.
import type { FailureReason } from '../errors/classified-error.js';

const MAX_LINKS = 6;

type Link = { code?: unknown; name?: unknown; cause?: unknown };

/** `error` and its causes, outermost first, at most five causes deep, objects only. */
export function causeChain(error: unknown): Link[] {
  const chain: Link[] = [];
  for (let current: unknown = error; typeof current === 'object' && current !== null && chain.length < MAX_LINKS; current = (current as Link).cause) {
    if (chain.includes(current as Link)) break;
    chain.push(current as Link);
  }
  return chain;
}

/** The string `code`s along the chain, outermost first (`UND_ERR_SOCKET`, then `ECONNRESET`). */
export function errorCodes(error: unknown): string[] {
  return causeChain(error).flatMap((link) => (typeof link.code === 'string' ? [link.code] : []));
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ABORT_ERR',
]);
const TIMEOUT_NAMES = new Set(['TimeoutError', 'AbortError', 'RequestTimeout']);

/** The failure reason of a low-level network error (Node, undici or the AWS SDK's handler), if it is one. */
export function networkFailureReason(error: unknown): FailureReason | undefined {
  for (const { code, name } of causeChain(error)) {
    if (typeof code === 'string') {
      if (DNS_CODES.has(code)) return 'dns_error';
      if (TIMEOUT_CODES.has(code)) return 'timeout';
      if (code.startsWith('UND_ERR') || code.startsWith('ECONN') || code === 'EPIPE' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
        return 'connection_error';
      }
    }
    if (typeof name === 'string' && TIMEOUT_NAMES.has(name)) return 'timeout';
  }
  return undefined;
}
