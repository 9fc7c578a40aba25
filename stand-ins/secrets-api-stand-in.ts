// A local Pipecat Cloud secrets API (/v1/secrets, /v1/regions) that enforces
// the documented rules: bearer key, set and key names, both PUT body shapes,
// fixed regions, no type switching, asynchronous pending → ready|failed
// provisioning. Faults can be injected per route; every request is recorded.
// Admin routes outside /v1, loopback only: POST /__admin/fault
// {route?, fault|null, count?}, POST /__admin/provisioning {name?, outcome,
// errorMessage?}, POST /__admin/reset, GET /__admin/state (includes values).
// Late flip (POST /__admin/late-flip {ms}): after a PUT an existing set keeps
// showing its old status that long before it goes pending, then ready.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createFaultSwitch } from './fault-switch.js';
import { isLoopback } from './is-loopback.js';
import { parseSecretBody } from './parse-secret-body.js';
import { BodyTooLargeError, readBody } from './read-body.js';
import { createSecretSetStore, type ProvisioningOutcome, type SecretSetSnapshot, type StoreResult } from './secret-set-store.js';
import { startLoopbackServer } from './start-loopback-server.js';
import { applyTransportFault, TRANSPORT_FAULT_KINDS, type TransportFault } from './transport-fault.js';

export type { ProvisioningOutcome, SecretSetSnapshot } from './secret-set-store.js';
export type SecretsApiFault = TransportFault;
export type SecretsApiRoute = 'put' | 'list' | 'get' | 'delete';
export type FaultRoute = SecretsApiRoute | 'any';

export interface SecretsApiStandInOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** The one private key accepted as `Authorization: Bearer <key>`. Default pk_test_standin. */
  apiKey?: string;
  /** Regions the organisation has. Default us-west, us-east, eu-central, ap-south. */
  regions?: string[];
  /** Region of a set created without one. Default us-west. */
  defaultRegion?: string;
  /** How long a set stays pending after a PUT. Default 300. */
  provisioningDelayMs?: number;
  /** Hold each PUT this long before answering, so concurrency shows. Default 0. */
  putLatencyMs?: number;
  /** Status of an accepted PUT: 202, or 200 like older servers. Default 202. */
  putStatus?: 200 | 202;
  /** Clock in epoch milliseconds. Default Date.now. */
  now?: () => number;
  /** Late flip: how long an existing set shows its old status after a PUT. Default 0 (off). */
  lateFlipMs?: number;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query, e.g. /v1/secrets/my-set. */
  path: string;
  /** The query string with its `?`, or ''. */
  search: string;
  at: number;
  authorization: string | undefined;
  /** The raw body of a PUT. */
  body?: string;
}

export interface SecretsApiStandIn {
  /** API base, `http://127.0.0.1:PORT/v1`. */
  readonly url: string;
  readonly port: number;
  readonly apiKey: string;
  readonly requests: RecordedRequest[];
  /** Most PUTs in flight at once since start or reset(). */
  readonly maxConcurrentPuts: number;
  getSet(name: string): SecretSetSnapshot | undefined;
  /** Outcome of provisioning for the next PUTs of this set (undefined: back to the default). */
  setProvisioning(name: string, outcome: ProvisioningOutcome | undefined): void;
  /** Outcome for sets without their own; undefined: ready. */
  setDefaultProvisioning(outcome: ProvisioningOutcome | undefined): void;
  /** Late flip for the next PUTs; 0 turns it off. reset() goes back to the option's value. */
  setLateFlip(ms: number): void;
  /** A fault for every matching request until cleared with undefined. Route defaults to 'any'. */
  setFault(fault: SecretsApiFault | undefined, route?: FaultRoute): void;
  /** Faults for the next `count` matching requests, used before persistent ones. */
  failNext(count: number, fault: SecretsApiFault, route?: FaultRoute): void;
  /**
   * For `durationMs` from now, a web application firewall in front of the API
   * blocks every matching request: 403 with an HTML page, before the API sees it.
   */
  wafBurst(durationMs: number, route?: FaultRoute): void;
  /** Forgets sets, requests, faults, provisioning choices and the concurrency mark. */
  reset(): void;
  close(): Promise<void>;
}

const SET_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const JSON_TYPE = 'application/json; charset=utf-8';
const MAX_BODY = 1024 * 1024;
const STATUS_TEXT: Record<number, [string, string]> = {
  400: ['Invalid request format', 'GENERIC_BAD_REQUEST'],
  401: ['Unauthorized', 'UNAUTHORIZED'],
  404: ['Set not found', 'NOT_FOUND'],
  409: ['Secret set was modified concurrently. Please retry.', 'CONFLICT'],
  429: ['Too many requests', 'TOO_MANY_REQUESTS'],
};

export async function startSecretsApiStandIn(options: SecretsApiStandInOptions = {}): Promise<SecretsApiStandIn> {
  const now = options.now ?? Date.now;
  const apiKey = options.apiKey ?? 'pk_test_standin';
  const regions = options.regions ?? ['us-west', 'us-east', 'eu-central', 'ap-south'];
  const store = createSecretSetStore({
    regions,
    defaultRegion: options.defaultRegion ?? 'us-west',
    provisioningDelayMs: options.provisioningDelayMs ?? 300,
    now,
    putStatus: options.putStatus ?? 202,
    lateFlipMs: options.lateFlipMs,
  });
  const faults = createFaultSwitch<SecretsApiFault, SecretsApiRoute>();
  const requests: RecordedRequest[] = [];
  let inFlightPuts = 0;
  let maxConcurrentPuts = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    if (url.pathname.startsWith('/__admin/')) return admin(req, res, url.pathname);
    const method = req.method ?? 'GET';
    if (method === 'PUT') {
      inFlightPuts += 1;
      maxConcurrentPuts = Math.max(maxConcurrentPuts, inFlightPuts);
      res.once('close', () => (inFlightPuts -= 1));
    }
    let text: string;
    try {
      text = await readBody(req, MAX_BODY);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return send(res, { status: 413, body: { error: 'Request body too large', code: 'PAYLOAD_TOO_LARGE' } });
      throw error;
    }
    requests.push({
      method,
      path: url.pathname,
      search: url.search,
      at: now(),
      authorization: req.headers.authorization,
      ...(method === 'PUT' ? { body: text } : {}),
    });
    if (method === 'PUT' && options.putLatencyMs) await new Promise((resolve) => setTimeout(resolve, options.putLatencyMs));
    if (res.destroyed) return;

    const fault = wafBlocks(routeOf(method, url.pathname)) ? WAF_BLOCK : faults.take(routeOf(method, url.pathname));
    if (fault) {
      return applyTransportFault(req, res, fault, {
        contentType: JSON_TYPE,
        defaultBody: (status) => {
          const [error, code] = STATUS_TEXT[status] ?? ['Internal server error. Please check logs for more information or contact support.', 'INTERNAL_SERVER_ERROR'];
          return { error, code };
        },
      });
    }
    if (req.headers.authorization !== `Bearer ${apiKey}`) return send(res, apiError(401, 'UNAUTHORIZED', 'Unauthorized'));
    send(res, route(method, url, req, text));
  }

  function route(method: string, url: URL, req: IncomingMessage, text: string): StoreResult {
    const parts = url.pathname.split('/').slice(1);
    if (parts[0] !== 'v1') return apiError(404, 'NOT_FOUND', 'Not found');
    if (parts.length === 2 && parts[1] === 'regions') {
      if (method !== 'GET') return methodNotAllowed();
      return { status: 200, body: { regions: regions.map((code) => ({ code, display_name: code })) } };
    }
    if (parts[1] !== 'secrets' || parts.length > 4) return apiError(404, 'NOT_FOUND', 'Not found');
    if (parts.length === 2) {
      if (method !== 'GET') return methodNotAllowed();
      return store.list(url.searchParams.get('region') ?? undefined);
    }
    const name = decodeURIComponent(parts[2] ?? '');
    if (name.length < 3 || name.length > 63 || !SET_NAME.test(name)) {
      return apiError(400, 'GENERIC_BAD_REQUEST', `Invalid secret set name '${name}': 3-63 lowercase letters, digits, '-' and '.'`);
    }
    if (parts.length === 4) {
      if (method !== 'DELETE') return methodNotAllowed();
      return store.deleteKey(name, decodeURIComponent(parts[3] ?? ''));
    }
    if (method === 'GET') return store.get(name);
    if (method === 'DELETE') return store.deleteSet(name);
    if (method !== 'PUT') return methodNotAllowed();
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (contentType !== 'application/json') return apiError(400, 'GENERIC_BAD_REQUEST', 'Invalid request format: content-type must be application/json');
    const parsed = parseSecretBody(text);
    if (!parsed.ok) return apiError(400, 'GENERIC_BAD_REQUEST', parsed.message);
    return store.put(name, parsed.body);
  }

  async function admin(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (!isLoopback(req.socket.remoteAddress)) return send(res, apiError(403, 'FORBIDDEN', 'admin routes are loopback-only'));
    if (req.method === 'GET' && path === '/__admin/state') {
      return send(res, { status: 200, body: { sets: store.snapshots(), requests, maxConcurrentPuts } });
    }
    if (req.method !== 'POST') return send(res, apiError(404, 'NOT_FOUND', 'unknown admin route'));
    if (path === '/__admin/reset') {
      reset();
      return send(res, { status: 200, body: { status: 'OK' } });
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readBody(req, 64 * 1024)) as Record<string, unknown>;
      if (typeof body !== 'object' || body === null) throw new Error('not an object');
    } catch {
      return send(res, apiError(400, 'GENERIC_BAD_REQUEST', 'admin body must be a JSON object'));
    }
    if (path === '/__admin/fault') return send(res, adminFault(body));
    if (path === '/__admin/provisioning') return send(res, adminProvisioning(body));
    if (path === '/__admin/late-flip') return send(res, adminLateFlip(body));
    send(res, apiError(404, 'NOT_FOUND', 'unknown admin route'));
  }

  function adminFault(body: Record<string, unknown>): StoreResult {
    const route = (body.route ?? 'any') as FaultRoute;
    if (!['put', 'list', 'get', 'delete', 'any'].includes(route)) return apiError(400, 'GENERIC_BAD_REQUEST', 'route must be put, list, get, delete or any');
    const fault = (body.fault ?? undefined) as SecretsApiFault | undefined;
    if (fault !== undefined && !(TRANSPORT_FAULT_KINDS as readonly string[]).includes(fault.kind)) {
      return apiError(400, 'GENERIC_BAD_REQUEST', `fault.kind must be one of ${TRANSPORT_FAULT_KINDS.join(', ')}`);
    }
    if (body.count !== undefined) {
      if (!fault || typeof body.count !== 'number' || !Number.isInteger(body.count) || body.count < 0) {
        return apiError(400, 'GENERIC_BAD_REQUEST', 'count needs a fault and a whole number');
      }
      faults.failNext(body.count, fault, route);
    } else {
      faults.set(fault, route);
    }
    return { status: 200, body: { status: 'OK' } };
  }

  function adminProvisioning(body: Record<string, unknown>): StoreResult {
    const { name, outcome, errorMessage } = body;
    if (outcome !== undefined && outcome !== null && !['ready', 'failed', 'stuck'].includes(outcome as string)) {
      return apiError(400, 'GENERIC_BAD_REQUEST', 'outcome must be ready, failed or stuck');
    }
    const choice = outcome ? ({ outcome, ...(typeof errorMessage === 'string' ? { errorMessage } : {}) } as ProvisioningOutcome) : undefined;
    if (typeof name === 'string') store.setProvisioning(name, choice);
    else store.setDefaultProvisioning(choice);
    return { status: 200, body: { status: 'OK' } };
  }

  function adminLateFlip(body: Record<string, unknown>): StoreResult {
    if (typeof body.ms !== 'number' || !Number.isInteger(body.ms) || body.ms < 0) return apiError(400, 'GENERIC_BAD_REQUEST', 'ms must be a whole number of milliseconds, 0 to turn it off');
    store.setLateFlip(body.ms);
    return { status: 200, body: { status: 'OK' } };
  }

  function reset() {
    waf = undefined;
    store.clear();
    faults.clear();
    requests.length = 0;
    maxConcurrentPuts = inFlightPuts;
  }

  let waf: { until: number; route: FaultRoute } | undefined;
  const wafBlocks = (route: SecretsApiRoute) => waf !== undefined && now() < waf.until && (waf.route === 'any' || waf.route === route);

  const server = await startLoopbackServer(handle, options.port ?? 0);
  return {
    url: `http://127.0.0.1:${server.port}/v1`,
    port: server.port,
    apiKey,
    requests,
    get maxConcurrentPuts() {
      return maxConcurrentPuts;
    },
    getSet: (name) => store.snapshot(name),
    setProvisioning: (name, outcome) => store.setProvisioning(name, outcome),
    setDefaultProvisioning: (outcome) => store.setDefaultProvisioning(outcome),
    setLateFlip: (ms) => store.setLateFlip(ms),
    setFault: (fault, route = 'any') => faults.set(fault, route),
    failNext: (count, fault, route = 'any') => faults.failNext(count, fault, route),
    wafBurst: (durationMs, route = 'any') => void (waf = { until: now() + durationMs, route }),
    reset,
    close: () => server.close(),
  };
}

/** What an AWS WAF / CDN block looks like to a client: 403, an HTML page, no JSON. */
const WAF_BLOCK: SecretsApiFault = {
  kind: 'status',
  status: 403,
  headers: { 'content-type': 'text/html' },
  body: '<!DOCTYPE html><html><head><title>403 Forbidden</title></head><body><h1>403 Forbidden</h1><p>Request blocked.</p></body></html>',
};

function routeOf(method: string, path: string): SecretsApiRoute {
  if (method === 'PUT') return 'put';
  if (method === 'DELETE') return 'delete';
  return path.replace(/\/+$/, '') === '/v1/secrets' ? 'list' : 'get';
}

function methodNotAllowed(): StoreResult {
  return apiError(405, 'METHOD_NOT_ALLOWED', 'Method not allowed');
}

function apiError(status: number, code: string, message: string): StoreResult {
  return { status, body: { error: message, code } };
}

function send(res: ServerResponse, result: StoreResult): void {
  res.writeHead(result.status, { 'content-type': JSON_TYPE });
  res.end(JSON.stringify(result.body));
}
