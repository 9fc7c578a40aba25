// An HTTPS proxy in front of the API server that answers some requests with
// `429 Too Many Requests` and a Retry-After, as API Priority and Fairness does
// when a priority level's queues are full; everything else goes through to the
// real server, watches streamed as they come. It presents the server's own
// certificate, so a client configured for the server trusts it unchanged.
import { readFileSync } from 'node:fs';
import { request, createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ProxiedRequest {
  at: number;
  method: string;
  /** Path without the query. */
  path: string;
  watch: boolean;
  status: number;
}

export interface ThrottlingProxy {
  url: string;
  /** Every request seen, in order. */
  requests: ProxiedRequest[];
  /** Answers the next `count` requests with 429 and `Retry-After: retryAfterSeconds`. */
  throttle(count: number, retryAfterSeconds: number): void;
  /** Ends every response in flight (open watches included); new requests go through as before. */
  cutAll(): number;
  close(): Promise<void>;
}

export async function startThrottlingProxy(target: { url: string; caPem: string; certFile: string; keyFile: string }): Promise<ThrottlingProxy> {
  const upstream = new URL(target.url);
  const requests: ProxiedRequest[] = [];
  const open = new Set<ServerResponse>();
  let throttled = 0;
  let retryAfter = 1;

  function tooMany(req: IncomingMessage, res: ServerResponse) {
    const body = JSON.stringify({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'Too many requests, please try again later.', reason: 'TooManyRequests',
      details: { retryAfterSeconds: retryAfter }, code: 429,
    });
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(retryAfter) });
    res.end(body);
    req.resume();
  }

  const server: Server = createServer({ cert: readFileSync(target.certFile), key: readFileSync(target.keyFile) }, (req, res) => {
    const url = new URL(req.url ?? '/', target.url);
    const seen: ProxiedRequest = { at: Date.now(), method: req.method ?? 'GET', path: url.pathname, watch: url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1', status: 0 };
    requests.push(seen);
    if (throttled > 0) {
      throttled--;
      seen.status = 429;
      return tooMany(req, res);
    }
    open.add(res);
    res.on('close', () => open.delete(res));
    const forwarded = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host }, ca: target.caPem },
      (answer) => {
        seen.status = answer.statusCode ?? 0;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => res.destroy());
    res.on('close', () => forwarded.destroy());
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `https://127.0.0.1:${port}`,
    requests,
    throttle(count, retryAfterSeconds) {
      throttled = count;
      retryAfter = retryAfterSeconds;
    },
    cutAll() {
      const count = open.size;
      for (const res of open) res.destroy();
      return count;
    },
    close() {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
