// The ECR registry front on its own: which credentials it lets through to the registry behind,
// the answers it gives the others (ECR's challenge and bodies), and that its proxy opens a
// tunnel to the registry's own name only.
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IssuedEcrToken } from '../../stand-ins/ecr-stand-in.js';
import { startEcrRegistry, type EcrRegistry } from '../../stand-ins/ecr-registry.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const HOST = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
const NOW = Date.UTC(2030, 0, 1, 12);

const issued: IssuedEcrToken[] = [];
function issue(password: string, overrides: Partial<IssuedEcrToken> = {}): string {
  issued.push({
    password,
    authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
    expiresAt: new Date(NOW + 3600_000),
    registryId: ACCOUNT,
    region: REGION,
    proxyEndpoint: `https://${HOST}`,
    ...overrides,
  });
  return `Basic ${Buffer.from(`AWS:${password}`).toString('base64')}`;
}

let behind: { url: string; seen: Array<{ url: string; headers: IncomingHttpHeaders }>; close(): Promise<void> };
let front: EcrRegistry;

beforeAll(async () => {
  const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    if (req.url?.startsWith('/v2/agents/bot/blobs/uploads/')) {
      res.writeHead(202, { location: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/agents/bot/blobs/uploads/abc?state=1` }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'docker-content-digest': 'sha256:abc' }).end('{"schemaVersion":2}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  behind = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  front = await startEcrRegistry({ accountId: ACCOUNT, region: REGION, upstream: behind.url, tokens: { issued }, now: () => NOW });
});
afterAll(async () => {
  await front?.close();
  await behind?.close();
});
beforeEach(() => {
  behind.seen.length = 0;
  front.requests.length = 0;
});

const get = (path: string, authorization?: string) => fetch(`${front.url}${path}`, { headers: authorization ? { authorization } : {} });

describe('ECR registry front', () => {
  it(`answers a request without credentials with ECR's challenge and its plain "Not Authorized"`, async () => {
    const res = await get('/v2/');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Basic realm="https://${HOST}/",service="ecr.amazonaws.com"`);
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toBe('Not Authorized\n');
    expect(behind.seen).toEqual([]);
    expect(front.host).toBe(HOST);
  });

  it('treats a user other than AWS, and a Bearer token, as no credentials', async () => {
    const password = 'issued-to-aws-only';
    issue(password);
    for (const authorization of [`Basic ${Buffer.from(`admin:${password}`).toString('base64')}`, `Bearer ${password}`]) {
      const res = await get('/v2/agents/bot/manifests/v1', authorization);
      expect([res.status, await res.text()]).toEqual([401, 'Not Authorized\n']);
    }
    expect(front.requests.map((r) => r.verdict)).toEqual(['no-credentials', 'no-credentials']);
    expect(behind.seen).toEqual([]);
  });

  it.each([
    ['a password the ECR stand-in never issued', 'unknown-password', () => `Basic ${Buffer.from('AWS:made-up').toString('base64')}`],
    ["another account's token", 'other-account', () => issue('other-account', { registryId: '210987654321' })],
    ["another region's token", 'other-region', () => issue('other-region', { region: 'eu-west-1' })],
  ])('refuses %s as an invalid token, with the DENIED envelope', async (_what, verdict, authorization) => {
    const res = await get('/v2/agents/bot/manifests/v1', authorization());
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Basic realm="https://${HOST}/",service="ecr.amazonaws.com"`);
    expect(await res.json()).toEqual({ errors: [{ code: 'DENIED', message: 'Your Authorization Token is invalid.' }] });
    expect(front.requests).toEqual([{ at: NOW, method: 'GET', path: '/v2/agents/bot/manifests/v1', tunnelled: false, verdict, status: 401 }]);
    expect(behind.seen).toEqual([]);
  });

  it(`refuses a token of this registry once it has expired, with ECR's message to reauthenticate`, async () => {
    const authorization = issue('expired', { expiresAt: new Date(NOW) });
    const res = await get('/v2/', authorization);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ errors: [{ code: 'DENIED', message: 'Your authorization token has expired. Reauthenticate and try again.' }] });
    expect(front.requests.map((r) => r.verdict)).toEqual(['expired']);
  });

  it('passes a request with a live token of this registry through, without the credential', async () => {
    const authorization = issue('live');
    const res = await fetch(`${front.url}/v2/agents/bot/manifests/v1?n=1`, { headers: { authorization, accept: 'application/vnd.oci.image.manifest.v1+json' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-content-digest')).toBe('sha256:abc');
    expect(await res.text()).toBe('{"schemaVersion":2}');
    expect(behind.seen).toHaveLength(1);
    expect(behind.seen[0]!.url).toBe('/v2/agents/bot/manifests/v1?n=1');
    expect(behind.seen[0]!.headers).toMatchObject({ accept: 'application/vnd.oci.image.manifest.v1+json', host: new URL(behind.url).host });
    expect(behind.seen[0]!.headers.authorization).toBeUndefined();
    expect(front.requests.map((r) => [r.verdict, r.status])).toEqual([['allowed', 200]]);
  });

  it('points upload locations back at itself, not at the registry behind', async () => {
    const res = await fetch(`${front.url}/v2/agents/bot/blobs/uploads/`, { method: 'POST', headers: { authorization: issue('pusher') } });
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe('/v2/agents/bot/blobs/uploads/abc?state=1');
  });

  it('serves nothing outside /v2/', async () => {
    expect((await get('/healthz', issue('anything'))).status).toBe(404);
    expect(behind.seen).toEqual([]);
  });

  it('opens no tunnel to another host, nor to its own without a certificate', async () => {
    const connect = (target: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: front.port, method: 'CONNECT', path: target });
        req.on('connect', (res, socket) => {
          socket.destroy();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await connect('example.com:443')).toBe(403);
    expect(await connect(`${HOST}:443`)).toBe(403);
    expect(front.tunnels).toEqual([
      { target: 'example.com:443', accepted: false },
      { target: `${HOST}:443`, accepted: false },
    ]);
  });
});
