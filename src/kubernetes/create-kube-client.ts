// A small client for the Kubernetes REST API over undici: JSON in and out,
// bearer token or client certificate, bounded in time and in reply size.
// Every failure leaves as a KubernetesError naming the endpoint, verb,
// resource and namespace; no credential or object body ever appears in one.
import { Agent, request, type Dispatcher } from 'undici';
import { networkFailureReason } from '../errors/network-failure-reason.js';
import { readCappedBody } from '../read-capped-body.js';
import { classifyKubeStatus } from './classify-kube-status.js';
import { KubernetesError, describeCall, type KubeCallSite, type KubeVerb } from './kubernetes-error.js';
import type { KubeConnection } from './kube-connection.js';
import type { RequestTimer } from '../metrics/create-target-observer.js';
import { systemClock, type Clock } from '../schedule/clock.js';

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
}

export interface KubeClient {
  readonly endpoint: string;
  send<T>(call: KubeRequest): Promise<T>;
  close(): Promise<void>;
}

const MAX_REPLY_BYTES = 4 * 1024 * 1024;
const METHODS: Record<KubeVerb, Dispatcher.HttpMethod> = { get: 'GET', create: 'POST', update: 'PUT', delete: 'DELETE' };
// Certificate problems are configuration, not weather: retrying cannot fix them.
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function createKubeClient(deps: {
  connection: KubeConnection;
  requestTimeoutMs: number;
  userAgent?: string;
  clock?: Clock;
  /** Called once per request with `<verb> <resource>`, the HTTP status (or "error") and its duration. */
  observeRequest?: RequestTimer;
}): KubeClient {
  const { connection } = deps;
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
    const site = siteOf(call, connection.endpoint);
    const timeoutMs = call.timeoutMs ?? deps.requestTimeoutMs;
    const clock = deps.clock ?? systemClock;
    const started = clock.now();
    let text: string;
    let status: number;
    let retryAfter: string | string[] | undefined;
    try {
      const response = await request(`${connection.server}${pathOf(call)}`, {
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
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.statusCode;
      retryAfter = response.headers['retry-after'];
      text = await readCappedBody(
        response.body,
        MAX_REPLY_BYTES,
        () => new KubernetesError(`${describeCall(site)} sent a reply larger than ${MAX_REPLY_BYTES} bytes`, { ...site, code: 'ERR_KUBE_BAD_RESPONSE', reason: 'bad_response', retryable: true }),
      );
    } catch (error) {
      deps.observeRequest?.(`${call.verb} ${site.resource}`, 'error', (clock.now() - started) / 1000);
      if (error instanceof KubernetesError) throw error;
      throw networkError(error, site);
    }
    deps.observeRequest?.(`${call.verb} ${site.resource}`, String(status), (clock.now() - started) / 1000);
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

  return { endpoint: connection.endpoint, send, close: () => agent.close() };
}

function pathOf(call: KubeRequest): string {
  const root = call.apiVersion.includes('/') ? `/apis/${call.apiVersion}` : `/api/${call.apiVersion}`;
  const collection = `${root}/namespaces/${encodeURIComponent(call.namespace)}/${call.plural}`;
  return call.verb === 'create' ? collection : `${collection}/${encodeURIComponent(call.name ?? '')}`;
}

function siteOf(call: KubeRequest, endpoint: string): KubeCallSite {
  const group = call.apiVersion.includes('/') ? call.apiVersion.slice(0, call.apiVersion.lastIndexOf('/')) : '';
  const resource = group ? `${call.plural}.${group}` : call.plural;
  return { endpoint, verb: call.verb, resource, namespace: call.namespace, name: call.name ?? nameOf(call.body) };
}

function nameOf(body: unknown): string | undefined {
  const name = (body as { metadata?: { name?: unknown } } | undefined)?.metadata?.name;
  return typeof name === 'string' ? name : undefined;
}

function networkError(error: unknown, site: KubeCallSite): KubernetesError {
  const codes = codesOf(error);
  const tls = codes.find((c) => TLS_CODES.has(c));
  if (tls) {
    const fix = 'check the certificate authority (certificate-authority in KUBECONFIG, or ca.crt of the service account)';
    return new KubernetesError(`${describeCall(site)} failed: the server's TLS certificate was not accepted (${tls}); ${fix}`, {
      ...site,
      code: 'ERR_KUBE_TLS',
      reason: 'connection_error',
      retryable: false,
      fix,
      cause: error,
    });
  }
  const reason = networkFailureReason(error) ?? 'connection_error';
  return new KubernetesError(`${describeCall(site)} failed: ${reason.replace('_', ' ')}${codes[0] ? ` (${codes[0]})` : ''}`, {
    ...site,
    code: 'ERR_KUBE_NETWORK',
    reason,
    retryable: true,
    fix: `check that ${site.endpoint} is the API server and is reachable from here (the server of KUBECONFIG, or KUBERNETES_SERVICE_HOST/_PORT)`,
    cause: error,
  });
}

/** Error codes along the cause chain, outermost first (undici wraps socket errors). */
function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text && /^\d+$/.test(text.trim()) ? Number(text.trim()) * 1000 : undefined;
}
