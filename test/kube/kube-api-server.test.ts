// The test API server itself: it answers /readyz over TLS with its own CA, reports the pinned
// version, authenticates tokens, client certificates and service-account tokens, enforces RBAC,
// and frees its ports when stopped.
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpsStatus } from '../support/kube/https-status.js';
import { kubeBinary } from '../support/kube/kube-binary.js';
import { runCommand } from '../support/kube/run-command.js';
import { startKubeApiServer, type KubeApiServer } from '../support/kube/start-kube-api-server.js';

let kube: KubeApiServer;
beforeAll(async () => {
  kube = await startKubeApiServer();
}, 120_000);
afterAll(() => kube?.stop());

/** kubectl as the owner of a kubeconfig, not the admin. */
function kubectlWith(kubeconfig: string, args: string[]) {
  return runCommand(kubeBinary('kubectl'), [`--kubeconfig=${kubeconfig}`, ...args], {
    env: { ...process.env, NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1' },
  });
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('test Kubernetes API server', () => {
  it('is ready on loopback over TLS signed by its own CA and reports the pinned version', async () => {
    expect(kube.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(kube.caPem).toContain('BEGIN CERTIFICATE');
    const ready = await httpsStatus(`${kube.url}/readyz`, { caPem: kube.caPem, token: kube.adminToken });
    expect(ready).toEqual({ status: 200, body: 'ok' });
    const version = await httpsStatus(`${kube.url}/version`, { caPem: kube.caPem, token: kube.adminToken });
    expect(JSON.parse(version.body)).toMatchObject({ gitVersion: 'v1.37.2', major: '1', minor: '37' });
  });

  it('refuses a token it does not know', async () => {
    const anonymous = await httpsStatus(`${kube.url}/api/v1/namespaces/default/secrets`, { caPem: kube.caPem, token: 'not-a-token' });
    expect(anonymous.status).toBe(401);
  });

  it('lets the admin kubeconfig create and read objects', async () => {
    const created = await kube.kubectl(['create', 'namespace', 'harness-admin']);
    expect(created, created.stderr).toMatchObject({ code: 0 });
    const got = await kube.kubectl(['get', 'namespace', 'harness-admin', '-o', 'jsonpath={.metadata.name}']);
    expect(got).toMatchObject({ code: 0, stdout: 'harness-admin' });
  });

  it('enforces RBAC on a service-account token: Forbidden until a Role grants the verb', async () => {
    const token = await kube.serviceAccountToken('harness-rbac', 'reader');
    const kubeconfig = kube.writeKubeconfig('reader', { token });
    const denied = await kubectlWith(kubeconfig, ['get', 'secrets', '-n', 'harness-rbac']);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('Forbidden');
    expect(denied.stderr).toContain('system:serviceaccount:harness-rbac:reader');

    await kube.kubectl(['create', 'role', 'secret-reader', '-n', 'harness-rbac', '--verb=list', '--resource=secrets']);
    await kube.kubectl(['create', 'rolebinding', 'reader', '-n', 'harness-rbac', '--role=secret-reader', '--serviceaccount=harness-rbac:reader']);
    const allowed = await kubectlWith(kubeconfig, ['get', 'secrets', '-n', 'harness-rbac']);
    expect(allowed, allowed.stderr).toMatchObject({ code: 0 });
    const otherNamespace = await kubectlWith(kubeconfig, ['get', 'secrets', '-n', 'default']);
    expect(otherNamespace.stderr).toContain('Forbidden');
    // A second call reuses the ServiceAccount rather than failing on AlreadyExists.
    expect(await kube.serviceAccountToken('harness-rbac', 'reader')).toMatch(/^eyJ/);
  });

  it('authenticates client certificates by CN and O, and answers auth can-i for an impersonated user', async () => {
    const cert = kube.issueClientCertificate('alice', ['developers']);
    const kubeconfig = kube.writeKubeconfig('alice', { clientCertificate: cert.certFile, clientKey: cert.keyFile });
    const whoami = await kubectlWith(kubeconfig, ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username} {.status.userInfo.groups}']);
    expect(whoami.stdout).toContain('alice');
    expect(whoami.stdout).toContain('developers');
    const denied = await kubectlWith(kubeconfig, ['get', 'pods', '-n', 'default']);
    expect(denied.stderr).toContain('Forbidden');
    const canI = await kube.kubectl(['auth', 'can-i', 'get', 'pods', '-n', 'default'], { as: 'alice' });
    expect(canI).toMatchObject({ code: 1, stdout: 'no\n' });
  });

  it('names the install command when a binary is missing', () => {
    expect(() => kubeBinary('kube-apiserver', kube.dir)).toThrow(
      `${kube.dir}/bin/kube-apiserver is not installed: run scripts/install-test-tools (scripts/test runs it first)`,
    );
  });

  it('frees its ports once stopped', async () => {
    const other = await startKubeApiServer();
    const { ports, dir } = other;
    expect(new Set([...ports, ...kube.ports]).size).toBe(ports.length + kube.ports.length);
    await other.stop();
    for (const port of ports) expect(await canListen(port), `port ${port}`).toBe(true);
    expect(existsSync(dir)).toBe(false);
  }, 120_000);
});
