// Every way of reaching the API server, checked by doing real work over it:
// a kubeconfig with a token or a client certificate, and a pod's
// service-account directory (a fake one, holding a real token).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClient, type KubeClient } from '../../../src/kubernetes/api/create-kube-client.js';
import type { KubernetesError } from '../../../src/kubernetes/api/kubernetes-error.js';
import { loadKubeConnection } from '../../../src/kubernetes/api/load-kube-connection.js';
import { writePullSecret } from '../../../src/kubernetes/pull-secret/write-pull-secret.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube/start-kube-api-server.js';
import { freePort } from '../../support/free-port.js';
import { createNamespace, getJson, serviceAccountWith } from '../support/grant.js';
import { failure } from '../support/failure.js';
import { registryEntry, testToken } from '../support/test-token.js';

const NS = 'conn';
const SECRET_RULES = [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'create', 'update'] }];
let kube: KubeApiServer;
let scratch: string;
const clients: KubeClient[] = [];

beforeAll(async () => {
  kube = await startKubeApiServer();
  await createNamespace(kube, NS);
  scratch = mkdtempSync(join(tmpdir(), 'kube-conn-'));
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await kube?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function client(connection: Parameters<typeof createKubeClient>[0]['connection']) {
  const c = createKubeClient({ connection, requestTimeoutMs: 5000 });
  clients.push(c);
  return c;
}

async function writesAs(c: KubeClient, name: string, n: number) {
  await writePullSecret({ client: c, target: { namespace: NS, name }, token: testToken(n) });
  const secret = await getJson<{ data: Record<string, string> }>(kube, ['secret', '-n', NS, name]);
  expect(registryEntry(secret).password).toBe(testToken(n).password);
}

function serviceAccountDir(token: string, namespace = NS) {
  const dir = mkdtempSync(join(scratch, 'sa-'));
  writeFileSync(join(dir, 'token'), token);
  writeFileSync(join(dir, 'ca.crt'), kube.caPem);
  writeFileSync(join(dir, 'namespace'), namespace);
  return dir;
}

describe('reaching a real API server', () => {
  it('through KUBECONFIG with a bearer token', async () => {
    const token = await serviceAccountWith(kube, NS, 'by-token', SECRET_RULES);
    const connection = loadKubeConnection({ kubeconfig: kube.writeKubeconfig('by-token', { token }) });
    expect(connection.endpoint).toBe(new URL(kube.url).origin);
    await writesAs(client(connection), 'via-token', 1);
  });

  it('through KUBECONFIG with a client certificate', async () => {
    const { certFile, keyFile } = kube.issueClientCertificate('cert-user', ['system:masters']);
    const connection = loadKubeConnection({ kubeconfig: kube.writeKubeconfig('by-cert', { clientCertificate: certFile, clientKey: keyFile }) });
    expect(connection.clientCertificate?.certPem).toContain('BEGIN CERTIFICATE');
    await writesAs(client(connection), 'via-cert', 2);
  });

  it('in a pod: the service host and port, and the token, CA and namespace of the mounted directory', async () => {
    const token = await serviceAccountWith(kube, NS, 'in-pod', SECRET_RULES);
    const url = new URL(kube.url);
    const connection = loadKubeConnection({ serviceAccountDir: serviceAccountDir(token), serviceHost: url.hostname, servicePort: url.port });
    expect(connection).toMatchObject({ namespace: NS, endpoint: url.origin });
    await writesAs(client(connection), 'via-pod', 3);
  });

  it('picks up a rotated service-account token once the old one is a minute old', async () => {
    const url = new URL(kube.url);
    const dir = serviceAccountDir('not-a-valid-token');
    let now = Date.now();
    const c = client(loadKubeConnection({ serviceAccountDir: dir, serviceHost: url.hostname, servicePort: url.port }, { clock: { now: () => now } }));
    const rejected = await failure<KubernetesError>(writePullSecret({ client: c, target: { namespace: NS, name: 'rotated' }, token: testToken(4) }));
    expect(rejected).toMatchObject({ code: 'ERR_KUBE_UNAUTHORIZED', status: 401, retryable: false });
    writeFileSync(join(dir, 'token'), await serviceAccountWith(kube, NS, 'rotated', SECRET_RULES));
    now += 60_000;
    await writesAs(c, 'rotated', 4);
  });

  it('refuses a server certificate from an unknown CA as a permanent error that says which setting to check', async () => {
    const connection = { ...loadKubeConnection({ kubeconfig: kube.adminKubeconfig }), caPem: undefined };
    const error = await failure<KubernetesError>(client(connection).send({ verb: 'get', apiVersion: 'v1', plural: 'secrets', namespace: NS, name: 'x' }));
    expect(error).toMatchObject({ code: 'ERR_KUBE_TLS', retryable: false });
    expect(error.message).toContain(`at ${new URL(kube.url).origin} failed: the server's TLS certificate was not accepted`);
  });

  it('names the endpoint it tried when nothing listens there, as a retryable error', async () => {
    const port = await freePort();
    const connection = { ...loadKubeConnection({ kubeconfig: kube.adminKubeconfig }), server: `https://127.0.0.1:${port}`, endpoint: `https://127.0.0.1:${port}` };
    const error = await failure<KubernetesError>(client(connection).send({ verb: 'get', apiVersion: 'v1', plural: 'secrets', namespace: NS, name: 'x' }));
    expect(error).toMatchObject({ code: 'ERR_KUBE_NETWORK', retryable: true, reason: 'connection_error' });
    expect(error.message).toBe(`Kubernetes get secrets "conn/x" at https://127.0.0.1:${port} failed: connection error (ECONNREFUSED)`);
  });
});
