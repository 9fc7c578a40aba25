// A local Amazon ECR endpoint for GetAuthorizationToken, speaking the AWS
// JSON 1.1 protocol closely enough that the real AWS SDK and the aws CLI talk
// to it unchanged (AWS_ENDPOINT_URL_ECR / --endpoint-url). It refuses what
// ECR refuses (unsigned requests, other operations, bad registry ids, unknown
// or expired keys), records every call and every password it hands out, and
// injects faults on request. Admin routes (loopback only): POST /__admin/fault
// {fault|null, count?}, POST /__admin/reset, GET /__admin/state.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkSigV4Request } from './check-sigv4-request.js';
import { createEcrPassword } from './create-ecr-password.js';
import { ECR_FAULT_KINDS, type EcrFault } from './ecr-fault.js';
import { createFaultSwitch } from './fault-switch.js';
import { isLoopback } from './is-loopback.js';
import { readBody } from './read-body.js';
import { startLoopbackServer } from './start-loopback-server.js';
import { applyTransportFault, isTransportFault } from './transport-fault.js';

export type { EcrFault } from './ecr-fault.js';

export interface EcrStandInOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Account used when a request names no registryIds. Default 123456789012. */
  accountId?: string;
  /** Lifetime of issued tokens. Default 43200 (12 hours, as ECR). */
  tokenLifetimeSeconds?: number;
  /** When given, only these access key ids are known; others get UnrecognizedClientException. */
  accessKeys?: string[];
  /** Access key ids whose credentials are expired: ExpiredTokenException. */
  expiredAccessKeys?: string[];
  /** Delay before each answer, for latency and concurrency measurements. Default 0. */
  latencyMs?: number;
  /** Clock in epoch milliseconds. Default Date.now. */
  now?: () => number;
}

export interface EcrCall {
  /** now() when the call arrived, epoch ms. */
  at: number;
  region: string;
  accessKeyId: string;
  /** registryIds from the body; empty when the caller's own account was meant. */
  registryIds: string[];
  /** From the SDK's `amz-sdk-request: attempt=N; max=M` header, when sent. */
  attempt: number | undefined;
}

export interface IssuedEcrToken {
  password: string;
  /** base64("AWS:" + password), as on the wire. */
  authorizationToken: string;
  expiresAt: Date;
  registryId: string;
  region: string;
  proxyEndpoint: string;
}

export interface EcrStandIn {
  /** Endpoint for the SDK or CLI, `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  readonly calls: EcrCall[];
  readonly issued: IssuedEcrToken[];
  /** Expiry of the issued token with this password or authorizationToken; undefined if never issued here. */
  expiryOf(secret: string | undefined): Date | undefined;
  /** A fault for every request until cleared with undefined. */
  setFault(fault: EcrFault | undefined): void;
  /** Faults for the next `count` requests, used before the persistent one. */
  failNext(count: number, fault: EcrFault): void;
  /** Clears calls, issued tokens and faults. */
  reset(): void;
  close(): Promise<void>;
}

const JSON_11 = 'application/x-amz-json-1.1';
const TARGET = 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken';
const TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.';

interface AwsError {
  status: number;
  type: string;
  message?: string;
}

export async function startEcrStandIn(options: EcrStandInOptions = {}): Promise<EcrStandIn> {
  const now = options.now ?? Date.now;
  const accountId = options.accountId ?? '123456789012';
  const lifetimeSeconds = options.tokenLifetimeSeconds ?? 43_200;
  const knownKeys = options.accessKeys ? new Set(options.accessKeys) : undefined;
  const expiredKeys = new Set(options.expiredAccessKeys ?? []);
  const calls: EcrCall[] = [];
  const issued: IssuedEcrToken[] = [];
  const faults = createFaultSwitch<EcrFault, 'any'>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    if (url.pathname.startsWith('/__admin/')) return admin(req, res, url.pathname);
    if (url.pathname !== '/' || req.method !== 'POST') {
      return sendAwsError(res, { status: 404, type: 'UnknownOperationException' });
    }
    const body = await readBody(req, 64 * 1024);

    const auth = checkSigV4Request(req.headers, 'ecr');
    if (!auth.ok) return sendAwsError(res, { status: 400, type: auth.type, message: auth.message });
    if (expiredKeys.has(auth.accessKeyId)) {
      return sendAwsError(res, { status: 400, type: 'ExpiredTokenException', message: 'The security token included in the request is expired' });
    }
    if (knownKeys && !knownKeys.has(auth.accessKeyId)) {
      return sendAwsError(res, { status: 400, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
    }
    const target = req.headers['x-amz-target'];
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (contentType !== JSON_11 || target !== TARGET) {
      const operation = typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
      return sendAwsError(res, {
        status: 400,
        type: 'UnknownOperationException',
        message: operation && contentType === JSON_11 ? `Operation ${operation} is not supported by this stand-in` : undefined,
      });
    }
    const parsed = parseRequestBody(body);
    if ('type' in parsed) return sendAwsError(res, parsed);

    calls.push({
      at: now(),
      region: auth.region,
      accessKeyId: auth.accessKeyId,
      registryIds: parsed.registryIds,
      attempt: parseAttempt(req.headers['amz-sdk-request']),
    });
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    if (res.destroyed) return;

    const fault = faults.take('any');
    if (fault && isTransportFault(fault)) {
      return applyTransportFault(req, res, fault, {
        contentType: JSON_11,
        defaultBody: (status) => ({ __type: status >= 500 ? 'ServerException' : 'ValidationException', message: `HTTP ${status}` }),
      });
    }
    if (fault?.kind === 'aws-error') return sendAwsError(res, fault);
    if (fault?.kind === 'empty-authorization-data') return sendJson(res, 200, { authorizationData: [] });

    const issuedAt = now();
    const expiresAtMs = fault?.kind === 'expired-token' ? issuedAt - (fault.expiredSecondsAgo ?? 3_600) * 1000 : issuedAt + lifetimeSeconds * 1000;
    const registryIds = parsed.registryIds.length > 0 ? parsed.registryIds : [accountId];
    const authorizationData = registryIds.map((registryId) => {
      const password = createEcrPassword(expiresAtMs / 1000);
      const proxyEndpoint =
        fault?.kind === 'malformed-proxy-endpoint'
          ? (fault.proxyEndpoint ?? 'not a url')
          : `https://${registryId}.dkr.ecr.${auth.region}.amazonaws.com`;
      const authorizationToken = Buffer.from(`AWS:${password}`).toString('base64');
      issued.push({ password, authorizationToken, expiresAt: new Date(expiresAtMs), registryId, region: auth.region, proxyEndpoint });
      // ECR answers epoch seconds with a fraction, e.g. 1.712345678123E9.
      return { authorizationToken, expiresAt: expiresAtMs / 1000, proxyEndpoint };
    });
    sendJson(res, 200, { authorizationData });
  }

  async function admin(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (!isLoopback(req.socket.remoteAddress)) return sendJson(res, 403, { error: 'admin routes are loopback-only' }, 'application/json');
    if (req.method === 'GET' && path === '/__admin/state') return sendJson(res, 200, { calls, issued }, 'application/json');
    if (req.method === 'POST' && path === '/__admin/reset') {
      reset();
      return sendJson(res, 200, { status: 'OK' }, 'application/json');
    }
    if (req.method === 'POST' && path === '/__admin/fault') {
      let request: { fault?: EcrFault | null; count?: number };
      try {
        request = JSON.parse(await readBody(req, 64 * 1024)) as typeof request;
      } catch {
        return sendJson(res, 400, { error: 'body must be JSON {fault, count?}' }, 'application/json');
      }
      const fault = request.fault ?? undefined;
      if (fault && !(ECR_FAULT_KINDS as readonly string[]).includes(fault.kind)) {
        return sendJson(res, 400, { error: `unknown fault kind; one of ${ECR_FAULT_KINDS.join(', ')}` }, 'application/json');
      }
      if (request.count !== undefined) {
        if (!fault || !Number.isInteger(request.count) || request.count < 0) {
          return sendJson(res, 400, { error: 'count needs a fault and a whole number' }, 'application/json');
        }
        faults.failNext(request.count, fault, 'any');
      } else {
        faults.set(fault, 'any');
      }
      return sendJson(res, 200, { status: 'OK' }, 'application/json');
    }
    sendJson(res, 404, { error: 'unknown admin route' }, 'application/json');
  }

  function reset() {
    calls.length = 0;
    issued.length = 0;
    faults.clear();
  }

  const server = await startLoopbackServer(handle, options.port ?? 0);
  return {
    url: `http://127.0.0.1:${server.port}`,
    port: server.port,
    calls,
    issued,
    expiryOf(secret) {
      for (let i = issued.length - 1; i >= 0 && secret !== undefined; i--) {
        if (issued[i]!.password === secret || issued[i]!.authorizationToken === secret) return issued[i]!.expiresAt;
      }
      return undefined;
    },
    setFault: (fault) => faults.set(fault, 'any'),
    failNext: (count, fault) => faults.failNext(count, fault, 'any'),
    reset,
    close: () => server.close(),
  };
}

function parseRequestBody(body: string): { registryIds: string[] } | AwsError {
  let parsed: unknown;
  try {
    parsed = body.trim() === '' ? {} : JSON.parse(body);
  } catch {
    return { status: 400, type: 'SerializationException', message: 'Request body is not valid JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { status: 400, type: 'SerializationException', message: 'Request body must be a JSON object' };
  }
  const registryIds = (parsed as { registryIds?: unknown }).registryIds;
  if (registryIds === undefined || registryIds === null) return { registryIds: [] };
  if (!Array.isArray(registryIds) || registryIds.some((id) => typeof id !== 'string')) {
    return { status: 400, type: 'SerializationException', message: 'registryIds must be a list of strings' };
  }
  if (registryIds.length < 1 || registryIds.length > 10) {
    return { status: 400, type: 'InvalidParameterException', message: 'registryIds must name between 1 and 10 registries' };
  }
  const bad = (registryIds as string[]).find((id) => !/^[0-9]{12}$/.test(id));
  if (bad !== undefined) {
    return { status: 400, type: 'InvalidParameterException', message: `Invalid parameter at 'registryIds' failed to satisfy constraint: 'must satisfy regular expression pattern: [0-9]{12}' (got '${bad}')` };
  }
  return { registryIds: registryIds as string[] };
}

function parseAttempt(header: string | string[] | undefined): number | undefined {
  const match = /attempt=(\d+)/.exec(String(header ?? ''));
  return match ? Number(match[1]) : undefined;
}

function sendAwsError(res: ServerResponse, error: AwsError): void {
  const body: Record<string, string> = { __type: error.type };
  if (error.message !== undefined) body.message = error.message;
  res.writeHead(error.status, {
    'content-type': JSON_11,
    'x-amzn-errortype': error.type,
    'x-amzn-requestid': randomUUID(),
  });
  res.end(JSON.stringify(body));
}

function sendJson(res: ServerResponse, status: number, body: unknown, contentType = JSON_11): void {
  res.writeHead(status, { 'content-type': contentType, 'x-amzn-requestid': randomUUID() });
  res.end(JSON.stringify(body));
}
