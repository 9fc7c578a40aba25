import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.js';
import { loadKubeConnection } from '../../../src/kubernetes/api/load-kube-connection.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n';

function files(map: Record<string, string>) {
  return (path: string) => {
    if (path in map) return map[path]!;
    throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  };
}

function kubeconfig(user: string, cluster = 'server: https://10.1.2.3:6443\n    certificate-authority: ca.crt', extra = '') {
  return `apiVersion: v1
kind: Config
current-context: work
contexts:
- name: work
  context: {cluster: c, user: u, namespace: agents}
clusters:
- name: c
  cluster:
    ${cluster}
users:
- name: u
  user:
    ${user}
${extra}`;
}

function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.field}: ${p.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('loadKubeConnection from KUBECONFIG', () => {
  it('reads the current context: server, CA file relative to the kubeconfig, token, namespace', () => {
    const c = loadKubeConnection({ kubeconfig: '/k/config' }, { readText: files({ '/k/config': kubeconfig('token: abc'), '/k/ca.crt': CA }) });
    expect(c).toMatchObject({ server: 'https://10.1.2.3:6443', endpoint: 'https://10.1.2.3:6443', caPem: CA, namespace: 'agents', source: 'KUBECONFIG context "work"' });
    expect(c.token?.()).toBe('abc');
  });

  it('takes a client certificate and key inline as base64 data', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const text = kubeconfig(`client-certificate-data: ${b64(CERT)}\n    client-key-data: ${b64(KEY)}`, `server: https://[fd00::1]\n    certificate-authority-data: ${b64(CA)}`);
    const c = loadKubeConnection({ kubeconfig: '/k/config' }, { readText: files({ '/k/config': text }) });
    expect(c).toMatchObject({ server: 'https://[fd00::1]', endpoint: 'https://[fd00::1]:443', caPem: CA, clientCertificate: { certPem: CERT, keyPem: KEY } });
    expect(c.token).toBeUndefined();
  });

  it('merges a KUBECONFIG list with the first file winning, as kubectl does', () => {
    const second = 'clusters:\n- name: c\n  cluster: {server: "https://evil:1"}\nusers:\n- name: u\n  user: {token: other}\n';
    const c = loadKubeConnection({ kubeconfig: '/k/second:/k/config' }, { readText: files({ '/k/second': second, '/k/config': kubeconfig('token: abc'), '/k/ca.crt': CA }) });
    expect(c.server).toBe('https://evil:1');
    expect(c.token?.()).toBe('other');
  });

  it('refuses insecure-skip-tls-verify, plain http and exec plugins, each with the fix, all at once', () => {
    const text = kubeconfig('exec: {command: aws, args: [eks, get-token]}', 'server: http://10.1.2.3:8080\n    insecure-skip-tls-verify: true');
    const found = problems(() => loadKubeConnection({ kubeconfig: '/k/config' }, { readText: files({ '/k/config': text }) }));
    expect(found).toEqual([
      'KUBECONFIG: clusters["c"].cluster.server must use https (the token would travel in clear text); set it to https://10.1.2.3:8080',
      'KUBECONFIG: clusters["c"].cluster.insecure-skip-tls-verify is refused: it would hand the registry token to anyone on the path; set certificate-authority or certificate-authority-data instead',
      'KUBECONFIG: users["u"].user uses an exec credential plugin, which is not supported; give this user a token (for example a ServiceAccount token) or a client certificate',
    ]);
  });

  it('names a missing file, a missing current-context and a dangling context', () => {
    expect(problems(() => loadKubeConnection({ kubeconfig: '/nope' }, { readText: files({}) }))).toEqual(['KUBECONFIG: /nope cannot be read (ENOENT)']);
    expect(problems(() => loadKubeConnection({ kubeconfig: '/k' }, { readText: files({ '/k': 'clusters: []' }) }))).toEqual([
      'KUBECONFIG: no current-context is set in /k; run kubectl config use-context <name>',
    ]);
    expect(problems(() => loadKubeConnection({ kubeconfig: '/k' }, { readText: files({ '/k': 'current-context: gone' }) }))).toEqual([
      'KUBECONFIG: current-context "gone" is not among the contexts of /k',
    ]);
  });

  it('wants both halves of a client certificate, and some credential at all', () => {
    const half = kubeconfig('client-certificate: /k/cert.pem');
    expect(problems(() => loadKubeConnection({ kubeconfig: '/k/config' }, { readText: files({ '/k/config': half, '/k/ca.crt': CA, '/k/cert.pem': CERT }) }))).toEqual([
      'KUBECONFIG: users["u"].user has a client certificate but no client-key; set both',
    ]);
    const none = kubeconfig('{}');
    expect(problems(() => loadKubeConnection({ kubeconfig: '/k/config' }, { readText: files({ '/k/config': none, '/k/ca.crt': CA }) }))).toEqual([
      'KUBECONFIG: users["u"].user has no token, tokenFile or client certificate; add one of them',
    ]);
  });

  it('refuses a CA file that holds no PEM certificate', () => {
    const found = problems(() => loadKubeConnection({ kubeconfig: '/k/config' }, { readText: files({ '/k/config': kubeconfig('token: abc'), '/k/ca.crt': 'not a cert' }) }));
    expect(found).toEqual(['KUBECONFIG: clusters["c"].cluster.certificate-authority: ca.crt holds no PEM block']);
  });
});

describe('loadKubeConnection in a pod', () => {
  const sa = { '/sa/token': 'tok-1\n', '/sa/ca.crt': CA, '/sa/namespace': 'agents' };

  it('uses the service host and port, brackets an IPv6 host and reads the namespace', () => {
    const c = loadKubeConnection({ serviceAccountDir: '/sa', serviceHost: 'fd00::10', servicePort: '443' }, { readText: files(sa) });
    expect(c).toMatchObject({ server: 'https://[fd00::10]', endpoint: 'https://[fd00::10]:443', caPem: CA, namespace: 'agents' });
    expect(c.token?.()).toBe('tok-1');
  });

  it('re-reads the rotating token once it is a minute old', () => {
    const map: Record<string, string> = { ...sa };
    let now = 0;
    const c = loadKubeConnection({ serviceAccountDir: '/sa', serviceHost: '10.0.0.1', servicePort: '6443' }, { readText: files(map), clock: { now: () => now } });
    map['/sa/token'] = 'tok-2';
    now = 59_999;
    expect(c.token?.()).toBe('tok-1');
    now = 60_000;
    expect(c.token?.()).toBe('tok-2');
    delete map['/sa/token'];
    now = 200_000;
    expect(c.token?.()).toBe('tok-2');
  });

  it('says how to fix a missing service host, a bad port and a missing token mount, together', () => {
    const found = problems(() => loadKubeConnection({ serviceAccountDir: '/sa', servicePort: 'https' }, { readText: files({}) }));
    expect(found).toEqual([
      'KUBERNETES_SERVICE_HOST: is not set, so this is not a pod: set KUBECONFIG to a kubeconfig file to reach a cluster from outside',
      'KUBERNETES_SERVICE_PORT: "https" is not a TCP port (1-65535)',
      'KUBERNETES_SERVICE_ACCOUNT_DIR: /sa/ca.crt cannot be read (ENOENT); mount a service account token (automountServiceAccountToken: true)',
      'KUBERNETES_SERVICE_ACCOUNT_DIR: the token file /sa/token cannot be read (ENOENT); mount a service account token (automountServiceAccountToken: true)',
    ]);
  });
});
