// How an error reads in a log line: its real class, message, stable code, the
// endpoint it tried, and its cause chain. A stack is kept only where it helps
// find a bug: for an unexpected error, not for a classified remote fault,
// whose message already says what failed and where.
import { causeChain } from '../http/cause-chain.js';

export interface LoggedError {
  type: string;
  message: string;
  code?: string | number;
  endpoint?: string;
  stage?: string;
  reason?: string;
  retryable?: boolean;
  status?: number;
  stack?: string;
  errors?: LoggedError[];
  cause?: LoggedError;
}

/** Deep enough for fetch → undici → socket chains; bounded against cycles. */
const MAX_DEPTH = 5;
const MAX_AGGREGATED = 4;

type Fields = Record<string, unknown>;

export function serializeError(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  const unexpected = !isClassified(value as Fields);
  return serializeLink(value as Fields, 0, unexpected ? originOf(value as Fields) : undefined);
}

/**
 * A classified fault says whether it is retryable (a wrapped unknown one is
 * still unexpected); a failed system call (EADDRINUSE on listen) names itself.
 */
function isClassified(error: Fields): boolean {
  if (typeof error.syscall === 'string' && typeof error.code === 'string') return true;
  return typeof error.retryable === 'boolean' && error.reason !== 'unknown';
}

/** The deepest error in the cause chain: where the unexpected thing happened. */
function originOf(error: Fields): Fields {
  return causeChain(error).at(-1) as Fields;
}

function serializeLink(error: Fields, depth: number, stackOf: Fields | undefined): LoggedError {
  const out: LoggedError = { type: typeOf(error), message: typeof error.message === 'string' ? error.message : String(error.message ?? '') };
  if (typeof error.code === 'string' || typeof error.code === 'number') out.code = error.code;
  const endpoint = addressOf(error);
  if (endpoint) out.endpoint = endpoint;
  if (typeof error.stage === 'string') out.stage = error.stage;
  if (typeof error.reason === 'string') out.reason = error.reason;
  if (typeof error.retryable === 'boolean') out.retryable = error.retryable;
  const status = typeof error.status === 'number' ? error.status : (error.$metadata as Fields | undefined)?.httpStatusCode;
  if (typeof status === 'number') out.status = status;
  if (error === stackOf && typeof error.stack === 'string' && error.stack !== '') out.stack = error.stack;
  if (depth < MAX_DEPTH && Array.isArray(error.errors)) {
    const inner = error.errors.filter(isObject).slice(0, MAX_AGGREGATED);
    if (inner.length > 0) out.errors = inner.map((e) => serializeLink(e as Fields, MAX_DEPTH, undefined));
  }
  if (depth < MAX_DEPTH && isObject(error.cause) && error.cause !== error) {
    out.cause = serializeLink(error.cause as Fields, depth + 1, stackOf);
  }
  return out;
}

/** The class a reader can search the code for; a plain object may name one itself. */
function typeOf(error: Fields): string {
  if (error instanceof Error) {
    const className = error.constructor?.name;
    // SDK service errors carry the service's exception name; it says more than the base class.
    return className && className !== 'Error' ? className : error.name || 'Error';
  }
  if (typeof error.type === 'string' && error.type !== '') return error.type;
  if (typeof error.name === 'string' && error.name !== '') return error.name;
  return 'Error';
}

/** An explicit endpoint, or the address a socket error names. */
function addressOf(error: Fields): string | undefined {
  if (typeof error.endpoint === 'string' && error.endpoint !== '') return error.endpoint;
  const host = typeof error.address === 'string' ? error.address : typeof error.hostname === 'string' ? error.hostname : undefined;
  if (!host) return undefined;
  const shown = host.includes(':') ? `[${host}]` : host;
  return typeof error.port === 'number' ? `${shown}:${error.port}` : shown;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
