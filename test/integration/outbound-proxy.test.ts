// Egress through a forward proxy: with HTTP_PROXY set, the built CLI reaches
// the secrets API through it (a CONNECT tunnel, as to any real proxy), and
// NO_PROXY takes a host back out. The proxy URL's credentials are never logged.
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEcrStandIn, type EcrStandIn } from '../../stand-ins/ecr-stand-in.js';
import { startSecretsApiStandIn, type SecretsApiStandIn } from '../../stand-ins/secrets-api-stand-in.js';
import { ensureBuilt } from '../support/ensure-built.js';
import { refresherEnv } from '../support/refresher-env.js';
import { runCli } from '../support/run-cli.js';

let ecr: EcrStandIn;
let api: SecretsApiStandIn;
let proxy: Server;
let proxyPort: number;
const sockets = new Set<Socket>();
let proxied: { method: string; target: string; auth?: string }[] = [];
let cli: string;
let home: string;

beforeAll(async () => {
  cli = await ensureBuilt();
  ecr = await startEcrStandIn();
  api = await startSecretsApiStandIn({ provisioningDelayMs: 50 });
  home = mkdtempSync(join(tmpdir(), 'ecr-token-refresher-proxy-'));
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
  await ecr?.close();
  await api?.close();
  rmSync(home, { recursive: true, force: true });
});
beforeEach(() => {
  proxied = [];
});

describe('outbound proxy', () => {
  it('sends the secrets API calls through HTTP_PROXY and logs the proxy without its credentials', async () => {
    const env = refresherEnv({ ecr, api, home, extra: { PCC_SECRET_SET: 'via-proxy', HTTP_PROXY: `http://user:hunter2-proxy-pass@127.0.0.1:${proxyPort}` } });
    const run = await runCli(cli, ['--once'], { env, timeoutMs: 20_000 });
    expect(run.code).toBe(0);
    expect(api.getSet('via-proxy')).toMatchObject({ status: 'ready' });
    expect(proxied.length).toBeGreaterThanOrEqual(1);
    expect(proxied.every((p) => p.method === 'CONNECT' && p.target === `127.0.0.1:${api.port}`)).toBe(true);
    expect(proxied[0]!.auth).toBe(`Basic ${Buffer.from('user:hunter2-proxy-pass').toString('base64')}`);
    expect(run.stdout).toContain(`"proxy":"http://127.0.0.1:${proxyPort}"`);
    expect(run.stdout + run.stderr).not.toContain('hunter2-proxy-pass');
  });

  it('goes direct to hosts listed in NO_PROXY', async () => {
    const env = refresherEnv({ ecr, api, home, extra: { PCC_SECRET_SET: 'no-proxy', HTTP_PROXY: `http://127.0.0.1:${proxyPort}`, NO_PROXY: '127.0.0.1' } });
    const run = await runCli(cli, ['--once'], { env, timeoutMs: 20_000 });
    expect(run.code).toBe(0);
    expect(api.getSet('no-proxy')).toMatchObject({ status: 'ready' });
    expect(proxied).toEqual([]);
  });
});
