// Maps a low-level network error (Node, undici or the AWS SDK's handler) to a
// failure reason. Every network fault is retryable; only the label differs.
import type { FailureReason } from '../errors/classified-error.js';
import { causeChain } from './cause-chain.js';

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ABORT_ERR',
]);
const TIMEOUT_NAMES = new Set(['TimeoutError', 'AbortError', 'RequestTimeout']);

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
