// A small client for the Kubernetes REST API over undici: JSON in and out,
// bearer token or client certificate, bounded in time and in reply size.
// Every failure leaves as a KubernetesError naming the endpoint, verb,
// resource and namespace; no credential or object body ever appears in one.
import { Agent, request, type Dispatcher } from 'undici';
import { readCappedBody } from '../../read-capped-body.js';
import { classifyKubeStatus } from './classify-kube-status.js';
import { kubeCallSite } from './kube-call-site.js';
import { kubeNetworkError } from './kube-network-error.js';
import { kubeRequestPath } from './kube-request-path.js';
import { KubernetesError, describeCall, type KubeCallSite, type KubeVerb } from './kubernetes-error.js';
import type { KubeConnection } from './kube-connection.js';
import type { RequestTimer } from '../../metrics/create-target-observer.js';
import { systemClock, type Clock } from '../../schedule/clock.js';

export interface KubeRequest {
  verb: KubeVerb;
  /** `v1` or `<group>/<version>`, as in an object's apiVersion. */
  apiVersion: string;
  /** Plural resource name: `secrets`, `leases`. */
  plural: string;
  namespace: string;
  /** Required for get, update and delete; create posts to the collection. */
  name?: string;
  body?: unknown;
  /** Overrides the client's request timeout for this call. */
  timeoutMs?: number;
  /** Aborts the call (a leader's write when its term ends); it then fails as ERR_KUBE_ABANDONED. */
  signal?: AbortSignal;
}

export interface KubeClient {
  readonly endpoint: string;
  send<T>(call: KubeRequest): Promise<T>;
  close(): Promise<void>;
}

const MAX_REPLY_BYTES = 4 * 1024 * 1024;
const METHODS: Record<KubeVerb, Dispatcher.HttpMethod> = { get: 'GET', create: 'POST', update: 'PUT', delete: 'DELETE' };

interface KubeClientDeps {
  connection: KubeConnection;
  requestTimeoutMs: number;
  userAgent?: string;
  clock?: Clock;
  /** Called once per request with `<verb> <resource>`, the HTTP status (or "error") and its duration. */
  observeRequest?: RequestTimer;
}

interface KubeReply {
  status: number;
  text: string;
  retryAfter: string | string[] | undefined;
}

export function createKubeClient(deps: KubeClientDeps): KubeClient {
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
    return parseReply<T>(reply, site);
  }

  return { endpoint: connection.endpoint, send, close: () => agent.close() };
}

/** One HTTP round trip, bounded in time and in the size of the reply. */
async function exchange(agent: Dispatcher, deps: KubeClientDeps, call: KubeRequest, site: KubeCallSite): Promise<KubeReply> {
  const { connection } = deps;
  const timeoutMs = call.timeoutMs ?? deps.requestTimeoutMs;
  const response = await request(`${connection.server}${kubeRequestPath(call)}`, {
    method: METHODS[call.verb],
    dispatcher: agent,
    headers: {
      accept: 'application/json',
      'user-agent': deps.userAgent ?? 'ecr-token-refresher',
      ...(connection.token ? { authorization: `Bearer ${connection.token()}` } : {}),
      ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    signal: call.signal ? AbortSignal.any([AbortSignal.timeout(timeoutMs), call.signal]) : AbortSignal.timeout(timeoutMs),
  });
  const text = await readCappedBody(
    response.body,
    MAX_REPLY_BYTES,
    () => new KubernetesError(`${describeCall(site)} sent a reply larger than ${MAX_REPLY_BYTES} bytes`, { ...site, code: 'ERR_KUBE_BAD_RESPONSE', reason: 'bad_response', retryable: true }),
  );
  return { status: response.statusCode, text, retryAfter: response.headers['retry-after'] };
}

/** A 2xx reply's JSON, or the classified error for any other status or a body that is not JSON. */
function parseReply<T>({ status, text, retryAfter }: KubeReply, site: KubeCallSite): T {
  if (status < 200 || status > 299) {
    throw classifyKubeStatus({ status, body: text, retryAfterMs: retryAfterMs(retryAfter), site });
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

function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text && /^\d+$/.test(text.trim()) ? Number(text.trim()) * 1000 : undefined;
}
