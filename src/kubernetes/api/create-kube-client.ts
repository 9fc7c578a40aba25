// A small client for the Kubernetes REST API over undici: JSON in and out,
// bearer token or client certificate, bounded in time and in reply size.
// Every failure leaves as a KubernetesError naming the endpoint, verb,
// resource and namespace; no credential or object body ever appears in one.
import { Agent, request, type Dispatcher } from 'undici';
import { parseRetryAfter, readCappedBody } from '../../http/reply.js';
import type { RateLimiter } from './rate-limiter.js';
import { KubernetesError, classifyKubeStatus, describeCall, kubeNetworkError, type KubeCallSite, type KubeVerb } from './kubernetes-error.js';
import type { KubeConnection } from './kube-connection.js';
import type { RequestTimer } from '../../metrics/create-target-observer.js';
import { systemClock, type Clock } from '../../schedule/clock.js';

export interface KubeRequest {
  verb: KubeVerb;
  /** `v1` or `<group>/<version>`, as in an object's apiVersion. */
  apiVersion: string;
  /** Plural resource name: `secrets`, `leases`. */
  plural: string;
  /** Absent for a cluster-scoped resource (namespaces), or to list across every namespace. */
  namespace?: string;
  /** Required for get, update, patch and delete; create, list and watch go to the collection. */
  name?: string;
  /** Query parameters: labelSelector, resourceVersion, allowWatchBookmarks, timeoutSeconds. */
  query?: Record<string, string>;
  body?: unknown;
  /** The body's media type for a patch (`application/merge-patch+json` unless given). */
  contentType?: string;
  /** Overrides the client's request timeout for this call. */
  timeoutMs?: number;
  /** Aborts the call (a leader's write when its term ends); it then fails as ERR_KUBE_ABANDONED. */
  signal?: AbortSignal;
}

/** One line of a watch stream: ADDED, MODIFIED, DELETED, BOOKMARK, or ERROR with a Status object. */
export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

export interface KubeClient {
  readonly endpoint: string;
  send<T>(call: KubeRequest): Promise<T>;
  close(): Promise<void>;
}

/** The client with streams: what the namespace controller's watches need. */
export interface KubeWatchClient extends KubeClient {
  /**
   * Opens a watch (`verb: 'watch'`) and hands each event to `onEvent` in
   * order; resolves when the server ends the stream (its timeout) and
   * rejects when the connection fails or `call.signal` aborts.
   */
  watch<T>(call: KubeRequest, onEvent: (event: WatchEvent<T>) => void): Promise<void>;
}

const MAX_REPLY_BYTES = 4 * 1024 * 1024;
const METHODS: Record<KubeVerb, Dispatcher.HttpMethod> = {
  get: 'GET',
  list: 'GET',
  watch: 'GET',
  create: 'POST',
  update: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
};
/** A single watch event larger than this is not a Secret, Namespace or ServiceAccount we could use. */
const MAX_WATCH_LINE_BYTES = 4 * 1024 * 1024;

interface KubeClientDeps {
  connection: KubeConnection;
  requestTimeoutMs: number;
  userAgent?: string;
  clock?: Clock;
  /** Called once per request with `<verb> <resource>`, the HTTP status (or "error") and its duration. */
  observeRequest?: RequestTimer;
  /** Every request waits for a token of this bucket first (client-side QPS and burst). */
  limiter?: RateLimiter;
}

interface KubeReply {
  status: number;
  text: string;
  retryAfter: string | string[] | undefined;
}

export function createKubeClient(deps: KubeClientDeps): KubeWatchClient {
  const { connection } = deps;
  const clock = deps.clock ?? systemClock;
  const agent = new Agent({
    connect: {
      ca: connection.caPem,
      cert: connection.clientCertificate?.certPem,
      key: connection.clientCertificate?.keyPem,
      servername: connection.tlsServerName,
      rejectUnauthorized: true,
    },
  });

  async function send<T>(call: KubeRequest): Promise<T> {
    const site = kubeCallSite(call, connection.endpoint);
    await deps.limiter?.take(call.signal);
    const started = clock.now();
    const observe = (status: string) => deps.observeRequest?.(`${call.verb} ${site.resource}`, status, (clock.now() - started) / 1000);
    let reply: KubeReply;
    try {
      reply = await exchange(agent, deps, call, site);
    } catch (error) {
      observe('error');
      if (error instanceof KubernetesError) throw error;
      if (call.signal?.aborted) throw abandoned(site, call.signal, error);
      throw kubeNetworkError(error, site);
    }
    observe(String(reply.status));
    return parseReply<T>(reply, site, clock.now());
  }

  async function watch<T>(call: KubeRequest, onEvent: (event: WatchEvent<T>) => void): Promise<void> {
    const site = kubeCallSite(call, connection.endpoint);
    await deps.limiter?.take(call.signal);
    const started = clock.now();
    const observe = (status: string) => deps.observeRequest?.(`watch ${site.resource}`, status, (clock.now() - started) / 1000);
    let response: Dispatcher.ResponseData;
    try {
      response = await request(`${connection.server}${kubeRequestPath(call)}`, {
        method: 'GET',
        dispatcher: agent,
        headers: headersFor(deps, call),
        headersTimeout: call.timeoutMs ?? deps.requestTimeoutMs,
        // The server ends the stream at its timeoutSeconds; a silent stream past that is a dead connection.
        bodyTimeout: Number(call.query?.timeoutSeconds ?? 300) * 1000 + deps.requestTimeoutMs,
        signal: call.signal,
      });
    } catch (error) {
      observe('error');
      if (call.signal?.aborted) throw abandoned(site, call.signal, error);
      throw kubeNetworkError(error, site);
    }
    if (response.statusCode !== 200) {
      observe(String(response.statusCode));
      const text = await readCappedBody(response.body, MAX_REPLY_BYTES, () => tooLarge(site));
      throw classifyKubeStatus({ status: response.statusCode, body: text, retryAfterMs: parseRetryAfter(response.headers['retry-after'], clock.now()), site });
    }
    try {
      await readLines(response.body, (line) => onEvent(JSON.parse(line) as WatchEvent<T>), site);
      observe('200');
    } catch (error) {
      observe('error');
      if (error instanceof KubernetesError) throw error;
      if (call.signal?.aborted) throw abandoned(site, call.signal, error);
      throw kubeNetworkError(error, site);
    }
  }

  return { endpoint: connection.endpoint, send, watch, close: () => agent.close() };
}

/** How errors name a request: endpoint, verb, resource (plural.group), namespace and the object's name. */
export function kubeCallSite(call: KubeRequest, endpoint: string): KubeCallSite {
  const group = call.apiVersion.includes('/') ? call.apiVersion.slice(0, call.apiVersion.lastIndexOf('/')) : '';
  const resource = group ? `${call.plural}.${group}` : call.plural;
  const bodyName = (call.body as { metadata?: { name?: unknown } } | undefined)?.metadata?.name;
  return { endpoint, verb: call.verb, resource, namespace: call.namespace ?? '', name: call.name ?? (typeof bodyName === 'string' ? bodyName : undefined) };
}

/** The REST path: core resources under /api, grouped ones under /apis; the collection for create, list and watch. */
export function kubeRequestPath(call: KubeRequest): string {
  const root = call.apiVersion.includes('/') ? `/apis/${call.apiVersion}` : `/api/${call.apiVersion}`;
  const scope = call.namespace === undefined ? root : `${root}/namespaces/${encodeURIComponent(call.namespace)}`;
  const collection = `${scope}/${call.plural}`;
  const onCollection = call.verb === 'create' || call.verb === 'list' || call.verb === 'watch';
  const path = onCollection ? collection : `${collection}/${encodeURIComponent(call.name ?? '')}`;
  const query = { ...call.query, ...(call.verb === 'watch' && { watch: '1' }) };
  const search = new URLSearchParams(query).toString();
  return search ? `${path}?${search}` : path;
}

function headersFor(deps: KubeClientDeps, call: KubeRequest): Record<string, string> {
  const { connection } = deps;
  return {
    accept: 'application/json',
    'user-agent': deps.userAgent ?? 'ecr-token-refresher',
    ...(connection.token ? { authorization: `Bearer ${connection.token()}` } : {}),
    ...(call.body === undefined ? {} : { 'content-type': call.verb === 'patch' ? (call.contentType ?? 'application/merge-patch+json') : 'application/json' }),
  };
}

/** Newline-delimited JSON, one watch event a line, each line bounded in size. */
async function readLines(body: AsyncIterable<Buffer>, onLine: (line: string) => void, site: KubeCallSite): Promise<void> {
  let pending = '';
  for await (const chunk of body) {
    pending += chunk.toString('utf8');
    let newline: number;
    while ((newline = pending.indexOf('\n')) !== -1) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line) onLine(line);
    }
    if (pending.length > MAX_WATCH_LINE_BYTES) {
      (body as unknown as { destroy?: () => void }).destroy?.();
      throw tooLarge(site);
    }
  }
  if (pending.trim()) onLine(pending.trim());
}

function tooLarge(site: KubeCallSite): KubernetesError {
  return new KubernetesError(`${describeCall(site)} sent a reply larger than ${MAX_REPLY_BYTES} bytes`, { ...site, code: 'ERR_KUBE_BAD_RESPONSE', reason: 'bad_response', retryable: true });
}

/** One HTTP round trip, bounded in time and in the size of the reply. */
async function exchange(agent: Dispatcher, deps: KubeClientDeps, call: KubeRequest, site: KubeCallSite): Promise<KubeReply> {
  const { connection } = deps;
  const timeoutMs = call.timeoutMs ?? deps.requestTimeoutMs;
  const response = await request(`${connection.server}${kubeRequestPath(call)}`, {
    method: METHODS[call.verb],
    dispatcher: agent,
    headers: headersFor(deps, call),
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    signal: call.signal ? AbortSignal.any([AbortSignal.timeout(timeoutMs), call.signal]) : AbortSignal.timeout(timeoutMs),
  });
  const text = await readCappedBody(response.body, MAX_REPLY_BYTES, () => tooLarge(site));
  return { status: response.statusCode, text, retryAfter: response.headers['retry-after'] };
}

/** A 2xx reply's JSON, or the classified error for any other status or a body that is not JSON. */
function parseReply<T>({ status, text, retryAfter }: KubeReply, site: KubeCallSite, now: number): T {
  if (status < 200 || status > 299) {
    throw classifyKubeStatus({ status, body: text, retryAfterMs: parseRetryAfter(retryAfter, now), site });
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new KubernetesError(`${describeCall(site)} answered HTTP ${status} with a body that is not JSON`, {
      ...site,
      code: 'ERR_KUBE_BAD_RESPONSE',
      reason: 'bad_response',
      retryable: true,
      status,
    });
  }
}

/** A call its caller gave up on: not the server's fault, and not to be retried by whoever gave up. */
function abandoned(site: KubeCallSite, signal: AbortSignal, cause: unknown): KubernetesError {
  const why = signal.reason instanceof Error ? signal.reason.message : 'its caller gave up';
  return new KubernetesError(`${describeCall(site)} was abandoned: ${why}`, { ...site, code: 'ERR_KUBE_ABANDONED', reason: 'unknown', retryable: false, cause });
}
