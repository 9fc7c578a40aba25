// The Pipecat Cloud secrets API client: list the sets and PUT one, over undici
// with a bearer key, bounded in time and in reply size. Every failure leaves
// as an OutboundError naming the endpoint; the key and the body never appear
// in one. It knows nothing of refresh stages: the engine adds those.
import { request, type Dispatcher } from 'undici';
import { OutboundError, networkError } from '../errors/outbound-error.js';
import { endpointOf } from '../http/endpoint.js';
import { redactSecretLike, redactSecrets } from '../log/redact-secrets.js';
import { isHtmlReply, parseRetryAfter, readCappedBody, serverMessage } from '../http/reply.js';
import type { RequestTimer } from '../metrics/create-target-observer.js';
import type { Clock } from '../schedule/clock.js';
import { classifyHttpStatus } from './classify-http-status.js';
import { parseSetList, type SecretBody, type SecretSetSummary } from './secret-set.js';

export interface SecretsClient {
  listSets(): Promise<SecretSetSummary[]>;
  putSet(name: string, body: SecretBody): Promise<void>;
  /** The URL a PUT of this set goes to (shown by --dry-run). */
  setUrl(name: string): string;
}

const MAX_REPLY_BYTES = 1024 * 1024;
export function createSecretsClient(deps: {
  apiUrl: string;
  apiKey: string;
  requestTimeoutMs: number;
  clock: Clock;
  dispatcher?: Dispatcher;
  observeRequest?: RequestTimer;
  userAgent?: string;
}): SecretsClient {
  const base = deps.apiUrl.replace(/\/+$/, '');
  const endpoint = endpointOf(base);
  const basePath = new URL(base).pathname.replace(/\/+$/, '');
  const clean = (text: string) => redactSecretLike(redactSecrets(text, [deps.apiKey]));

  async function call(operation: 'put' | 'list', method: 'GET' | 'PUT', path: string, body?: string, secrets: string[] = []) {
    const what = `Pipecat Cloud ${method} ${endpoint}${basePath}${path}`;
    const started = deps.clock.now();
    let status = 'error';
    try {
      const response = await request(`${base}${path}`, requestOptions(deps, method, body));
      status = String(response.statusCode);
      const text = await readCappedBody(
        response.body,
        MAX_REPLY_BYTES,
        () => new OutboundError(`${what} sent a reply larger than ${MAX_REPLY_BYTES} bytes`, { code: 'ERR_OUTBOUND_REPLY', reason: 'bad_response', retryable: true, endpoint }),
      );
      if (response.statusCode < 200 || response.statusCode > 299) {
        throw classifyHttpStatus({
          status: response.statusCode,
          // Servers may quote the rejected input: keep what was sent out of the message.
          serverMessage: serverMessage(text, [...secrets, deps.apiKey]),
          retryAfterMs: parseRetryAfter(response.headers['retry-after'], deps.clock.now()),
          html: isHtmlReply(text, response.headers['content-type']),
          what,
          endpoint,
        });
      }
      return text;
    } catch (error) {
      if (error instanceof OutboundError) throw error;
      throw networkError(what, endpoint, error);
    } finally {
      deps.observeRequest?.(operation, status, (deps.clock.now() - started) / 1000);
    }
  }

  return {
    async listSets() {
      const text = await call('list', 'GET', '/secrets');
      return parseSetList(text, `Pipecat Cloud GET ${endpoint}${basePath}/secrets`, endpoint, (message) => clean(message));
    },
    async putSet(name, body) {
      const values = 'isImagePullSecret' in body ? [body.secretValue] : body.secrets.filter((s) => s.secretKey === 'password').map((s) => s.secretValue);
      await call('put', 'PUT', `/secrets/${encodeURIComponent(name)}`, JSON.stringify(body), values);
    },
    setUrl(name) {
      return `${base}/secrets/${encodeURIComponent(name)}`;
    },
  };
}

function requestOptions(
  deps: { apiKey: string; requestTimeoutMs: number; dispatcher?: Dispatcher; userAgent?: string },
  method: 'GET' | 'PUT',
  body: string | undefined,
) {
  return {
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
  };
}
