// The Pipecat Cloud secrets API client: list the sets and PUT one, over undici
// with a bearer key, bounded in time and in reply size. Every failure leaves
// as a RefreshError; the key and the body never appear in one.
import { request, type Dispatcher } from 'undici';
import { RefreshError, type Stage } from '../errors/refresh-error.js';
import { networkFailureReason } from '../errors/network-failure-reason.js';
import type { Clock } from '../schedule/clock.js';
import type { Metrics } from '../metrics/create-metrics.js';
import { classifyHttpStatus, parseRetryAfter } from './classify-http-status.js';
import type { SecretBody, SecretSetSummary } from './secret-set.js';

export interface SecretsClient {
  listSets(stage: Stage): Promise<SecretSetSummary[]>;
  putSet(name: string, body: SecretBody): Promise<void>;
}

const MAX_REPLY_BYTES = 1024 * 1024;
/**
 * A long base64 run in a server's message is a token, a key or a piece of one
 * (cut by a length limit, so an exact-match scrubber misses it); it never helps
 * an operator, so it is not repeated.
 */
const SECRET_LIKE = /[A-Za-z0-9+/]{32,}={0,2}/g;
const STATUSES = new Set(['pending', 'ready', 'failed']);
const TYPES = new Set(['secret', 'imagePullSecret']);

export function createSecretsClient(deps: {
  apiUrl: string;
  apiKey: string;
  requestTimeoutMs: number;
  clock: Clock;
  dispatcher?: Dispatcher;
  metrics?: Metrics;
  userAgent?: string;
}): SecretsClient {
  const base = deps.apiUrl.replace(/\/+$/, '');

  async function call(operation: 'put' | 'list', method: 'GET' | 'PUT', path: string, stage: Stage, body?: string, secrets: string[] = []) {
    const what = `Pipecat Cloud ${method} ${path}`;
    const started = deps.clock.now();
    let status = 'error';
    try {
      const response = await request(`${base}${path}`, {
        method,
        dispatcher: deps.dispatcher,
        headers: {
          authorization: `Bearer ${deps.apiKey}`,
          accept: 'application/json',
          'user-agent': deps.userAgent ?? 'ecr-token-refresher',
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body,
        headersTimeout: deps.requestTimeoutMs,
        bodyTimeout: deps.requestTimeoutMs,
        signal: AbortSignal.timeout(deps.requestTimeoutMs),
      });
      status = String(response.statusCode);
      const text = await readCapped(response.body, what, stage);
      if (response.statusCode < 200 || response.statusCode > 299) {
        throw classifyHttpStatus({
          status: response.statusCode,
          // Servers may quote the rejected input: keep what was sent out of the message.
          serverMessage: serverMessage(redact(text, [...secrets, deps.apiKey])),
          retryAfterMs: parseRetryAfter(response.headers['retry-after'], deps.clock.now()),
          stage,
          what,
        });
      }
      return text;
    } catch (error) {
      if (error instanceof RefreshError) throw error;
      const reason = networkFailureReason(error) ?? 'connection_error';
      const code = (error as { code?: string }).code;
      throw new RefreshError(`${what} failed: ${reason.replace('_', ' ')}${code ? ` (${code})` : ''}`, {
        stage,
        reason,
        retryable: true,
        cause: error,
      });
    } finally {
      deps.metrics?.secretsApiRequestDuration.observe({ operation, status }, (deps.clock.now() - started) / 1000);
    }
  }

  return {
    async listSets(stage) {
      const text = await call('list', 'GET', '/secrets', stage);
      return parseSetList(text, stage, (message) => redact(message, [deps.apiKey]));
    },
    async putSet(name, body) {
      const values = 'isImagePullSecret' in body ? [body.secretValue] : body.secrets.filter((s) => s.secretKey === 'password').map((s) => s.secretValue);
      await call('put', 'PUT', `/secrets/${encodeURIComponent(name)}`, 'push', JSON.stringify(body), values);
    },
  };
}

async function readCapped(body: AsyncIterable<Buffer>, what: string, stage: Stage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_REPLY_BYTES) {
      (body as unknown as { destroy?: () => void }).destroy?.();
      throw new RefreshError(`${what} sent a reply larger than ${MAX_REPLY_BYTES} bytes`, {
        stage,
        reason: 'bad_response',
        retryable: true,
      });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 8) out = out.split(secret).join('[REDACTED]');
  return out.replace(SECRET_LIKE, '[REDACTED]');
}

function serverMessage(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { error?: unknown; code?: unknown };
    if (typeof parsed.error === 'string') {
      const code = typeof parsed.code === 'string' ? ` [${parsed.code}]` : '';
      return `${parsed.error.slice(0, 300)}${code}`;
    }
  } catch {
    // not JSON: fall through to a short excerpt
  }
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat ? flat.slice(0, 120) : undefined;
}

function parseSetList(text: string, stage: Stage, clean: (message: string) => string): SecretSetSummary[] {
  const bad = (why: string) =>
    new RefreshError(`Pipecat Cloud GET /secrets returned ${why}`, { stage, reason: 'bad_response', retryable: true });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad('a body that is not JSON');
  }
  const sets = (parsed as { sets?: unknown }).sets;
  if (!Array.isArray(sets)) throw bad('no "sets" list');
  return sets.map((entry: unknown) => {
    const e = entry as Record<string, unknown>;
    if (typeof e.name !== 'string' || !TYPES.has(String(e.type)) || !STATUSES.has(String(e.status))) {
      throw bad('a set entry without a valid name, type or status');
    }
    return {
      name: e.name,
      type: e.type as SecretSetSummary['type'],
      status: e.status as SecretSetSummary['status'],
      region: typeof e.region === 'string' ? e.region : undefined,
      errorMessage: typeof e.errorMessage === 'string' ? clean(e.errorMessage) : undefined,
    };
  });
}
