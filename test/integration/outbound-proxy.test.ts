// Egress through a forward proxy: with HTTP_PROXY set, the built CLI reaches
// the secrets API through it (a CONNECT tunnel, as to any real proxy), and
// NO_PROXY takes a host back out. The proxy URL's credentials are never logged.
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect } from 'vitest';
import { systemTest } from '../support/system-test.js';

systemTest.override({ standInOptions: { api: { provisioningDelayMs: 50 } } });

let proxy: Server;
let proxyPort: number;
const sockets = new Set<Socket>();
let proxied: { method: string; target: string; auth?: string }[] = [];

beforeAll(async () => {
  // A forward proxy that only tunnels (CONNECT host:port), like most egress proxies.
  proxy = createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, client: Socket) => {
    proxied.push({ method: req.method ?? '', target: req.url ?? '', auth: req.headers['proxy-authorization'] });
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyPort = (proxy.address() as { port: number }).port;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
});
beforeEach(() => {
  proxied = [];
});

describe('outbound proxy', () => {
  systemTest('sends the secrets API calls through HTTP_PROXY and logs the proxy without its credentials', async ({ api, cli, cliEnv }) => {
    const env = cliEnv({ PCC_SECRET_SET: 'via-proxy', HTTP_PROXY: `http://user:hunter2-proxy-pass@127.0.0.1:${proxyPort}` });
    const run = await cli.run(['--once'], { env, timeoutMs: 20_000 });
    expect(run.code).toBe(0);
    expect(api.getSet('via-proxy')).toMatchObject({ status: 'ready' });
    expect(proxied.length).toBeGreaterThanOrEqual(1);
    expect(proxied.every((p) => p.method === 'CONNECT' && p.target === `127.0.0.1:${api.port}`)).toBe(true);
    expect(proxied[0]!.auth).toBe(`Basic ${Buffer.from('user:hunter2-proxy-pass').toString('base64')}`);
    expect(run.stdout).toContain(`"proxy":"http://127.0.0.1:${proxyPort}"`);
    expect(run.stdout + run.stderr).not.toContain('hunter2-proxy-pass');
  });

  systemTest('goes direct to hosts listed in NO_PROXY', async ({ api, cli, cliEnv }) => {
    const env = cliEnv({ PCC_SECRET_SET: 'no-proxy', HTTP_PROXY: `http://127.0.0.1:${proxyPort}`, NO_PROXY: '127.0.0.1' });
    const run = await cli.run(['--once'], { env, timeoutMs: 20_000 });
    expect(run.code).toBe(0);
    expect(api.getSet('no-proxy')).toMatchObject({ status: 'ready' });
    expect(proxied).toEqual([]);
  });
});
