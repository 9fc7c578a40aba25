// Every client reads the server's Retry-After through the one parser, so a
// wait given as an HTTP date holds for the Kubernetes API as for the secrets
// API. Real HTTP to an in-process server on loopback.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClient } from '../../src/kubernetes/api/create-kube-client.js';
import { createSecretsClient } from '../../src/pcc/create-secrets-client.js';

const RETRY_AT = 'Wed, 01 Jul 2026 12:00:30 GMT';
const clock = { now: () => Date.parse(RETRY_AT) - 30_000 };
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((_request, response) => {
    response.writeHead(503, { 'content-type': 'application/json', 'retry-after': RETRY_AT });
    response.end(JSON.stringify({ error: 'maintenance', message: 'maintenance' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('Retry-After as an HTTP date', () => {
  it('is the wait of a secrets API 503', async () => {
    const secrets = createSecretsClient({ apiUrl: `${base}/v1`, apiKey: 'pk_test_0123456789', requestTimeoutMs: 2_000, clock });
    await expect(secrets.listSets()).rejects.toMatchObject({ status: 503, retryable: true, retryAfterMs: 30_000 });
  });

  it('is the wait of a Kubernetes API 503', async () => {
    const kube = createKubeClient({ connection: { server: base, endpoint: base, source: 'test' }, requestTimeoutMs: 2_000, clock });
    try {
      const get = kube.send({ verb: 'get', apiVersion: 'v1', plural: 'secrets', namespace: 'agents', name: 'ecr-pull' });
      await expect(get).rejects.toMatchObject({ status: 503, retryable: true, retryAfterMs: 30_000, endpoint: base });
    } finally {
      await kube.close();
    }
  });
});
