// An Amazon ECR registry endpoint (`<account>.dkr.ecr.<region>.amazonaws.com`) in front of a
// real OCI registry: it asks for and checks credentials the way ECR does, then passes the
// request through unchanged. A password is accepted only when the ECR stand-in issued it, for
// this registry's account and region, and it has not expired. The answers are ECR's: no or
// unreadable credentials get `401 Not Authorized` (text/plain) with ECR's Basic challenge; a
// password that is not valid here gets 401 with the registry error envelope, code DENIED, and
// ECR's message for an invalid or an expired token.
//
// Real clients reach it under the registry's own name: the server is also an HTTP proxy that
// accepts `CONNECT <host>:443` for this registry (and refuses every other target, so nothing
// leaves loopback) and serves TLS there with the certificate it is given. A client pointed at
// it with HTTPS_PROXY then pulls `<host>/<repo>:<tag>` with an unchanged docker config.
// Plain requests to `url` are served too, without TLS.
import { request as httpRequest, createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { IssuedEcrToken } from './ecr-stand-in.js';

export interface EcrRegistryOptions {
  /** The registry's 12-digit account id. */
  accountId: string;
  /** The registry's region, e.g. us-east-1. */
  region: string;
  /** Base URL of the OCI registry that holds the images, `http://127.0.0.1:PORT`. */
  upstream: string;
  /** The passwords the ECR stand-in issued (its `issued` list, read at each request). */
  tokens: { readonly issued: readonly IssuedEcrToken[] };
  /** Certificate and key (PEM) for the registry host, to serve TLS inside CONNECT tunnels. */
  tls?: { cert: string; key: string };
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Clock in epoch milliseconds, for expiry. Default Date.now. */
  now?: () => number;
}

/** Why a request was let through or refused. */
export type RegistryVerdict =
  | 'allowed'
  | 'no-credentials'
  | 'unknown-password'
  | 'other-account'
  | 'other-region'
  | 'expired';

export interface RegistryRequest {
  at: number;
  method: string;
  path: string;
  /** Whether it came through a CONNECT tunnel (TLS, under the registry's name). */
  tunnelled: boolean;
  verdict: RegistryVerdict;
  status: number;
}

export interface EcrRegistry {
  /** `<account>.dkr.ecr.<region>.amazonaws.com` */
  readonly host: string;
  /** `http://127.0.0.1:PORT`: plain requests, and the proxy for `CONNECT <host>:443`. */
  readonly url: string;
  readonly port: number;
  /** Every /v2/ request and what was decided, in order. */
  readonly requests: RegistryRequest[];
  /** Every CONNECT target asked for, and whether it was accepted. */
  readonly tunnels: Array<{ target: string; accepted: boolean }>;
  close(): Promise<void>;
}

const SERVICE = 'ecr.amazonaws.com';
const INVALID = 'Your Authorization Token is invalid.';
const EXPIRED = 'Your authorization token has expired. Reauthenticate and try again.';
// Hop-by-hop headers (RFC 9110 7.6.1) are not passed through a proxy.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

export async function startEcrRegistry(options: EcrRegistryOptions): Promise<EcrRegistry> {
  const now = options.now ?? Date.now;
  const host = `${options.accountId}.dkr.ecr.${options.region}.amazonaws.com`;
  const upstream = new URL(options.upstream);
  const requests: RegistryRequest[] = [];
  const tunnels: EcrRegistry['tunnels'] = [];

  function verdictOf(authorization: string | undefined): RegistryVerdict {
    const password = basicPassword(authorization);
    if (password === undefined) return 'no-credentials';
    const token = options.tokens.issued.find((issued) => issued.password === password);
    if (!token) return 'unknown-password';
    if (token.registryId !== options.accountId) return 'other-account';
    if (token.region !== options.region) return 'other-region';
    if (token.expiresAt.getTime() <= now()) return 'expired';
    return 'allowed';
  }

  function handle(tunnelled: boolean) {
    return (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://registry');
      const path = url.pathname;
      const record = (verdict: RegistryVerdict, status: number) =>
        requests.push({ at: now(), method: req.method ?? 'GET', path, tunnelled, verdict, status });
      if (path !== '/v2' && !path.startsWith('/v2/')) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
        return;
      }
      const verdict = verdictOf(req.headers.authorization);
      if (verdict !== 'allowed') {
        record(verdict, 401);
        refuse(res, host, verdict);
        return;
      }
      forward(req, res, `${path}${url.search}`, upstream, (status) => record(verdict, status));
    };
  }

  const tlsServer = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handle(true)) : undefined;
  const server = createHttpServer(handle(false));
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    // Past CONNECT the HTTP server no longer watches this socket: a client that hangs up
    // mid-write must not become an unhandled error.
    socket.on('error', () => socket.destroy());
    const target = req.url ?? '';
    const accepted = tlsServer !== undefined && target.toLowerCase() === `${host}:443`;
    tunnels.push({ target, accepted });
    if (!accepted) {
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\nonly the registry host is reachable through this proxy\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) socket.unshift(head);
    tlsServer.emit('connection', socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('registry stand-in has no TCP address');

  let closing: Promise<void> | undefined;
  return {
    host,
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    requests,
    tunnels,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

/** The password of `Basic base64(AWS:<password>)`; undefined for anything else. */
function basicPassword(authorization: string | undefined): string | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(authorization?.trim() ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  if (!decoded.startsWith('AWS:') || decoded.length === 4) return undefined;
  return decoded.slice(4);
}

function refuse(res: ServerResponse, host: string, verdict: RegistryVerdict): void {
  const headers = {
    'www-authenticate': `Basic realm="https://${host}/",service="${SERVICE}"`,
    'docker-distribution-api-version': 'registry/2.0',
  };
  if (verdict === 'no-credentials') {
    res.writeHead(401, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end('Not Authorized\n');
    return;
  }
  const message = verdict === 'expired' ? EXPIRED : INVALID;
  res.writeHead(401, { ...headers, 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ errors: [{ code: 'DENIED', message }] }));
}

/** Passes the request to the registry behind, and its answer back, without the credential. */
function forward(req: IncomingMessage, res: ServerResponse, path: string, upstream: URL, answered: (status: number) => void): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || name === 'authorization' || name === 'host') continue;
    headers[name] = value;
  }
  const outbound = httpRequest(
    { host: upstream.hostname, port: upstream.port, method: req.method, path, headers: { ...headers, host: upstream.host } },
    (answer) => {
      const back: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value === undefined || HOP_BY_HOP.has(name)) continue;
        // Upload locations name the registry behind; the client must come back here.
        back[name] = name === 'location' && typeof value === 'string' && value.startsWith(upstream.origin) ? value.slice(upstream.origin.length) : value;
      }
      answered(answer.statusCode ?? 502);
      res.writeHead(answer.statusCode ?? 502, back);
      answer.pipe(res);
    },
  );
  outbound.on('error', (error) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    answered(502);
    res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' }).end(`registry behind the front: ${error.message}\n`);
  });
  req.pipe(outbound);
}
