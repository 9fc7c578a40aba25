// A kubeconfig for one user of the test API server, the shape kubectl, helm and Kubernetes
// clients read: one cluster (server URL + CA file), one user, one current context.
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

export type KubeUser = { token: string } | { clientCertificate: string; clientKey: string };

export function writeKubeconfig(path: string, server: { url: string; caFile: string }, user: KubeUser): string {
  const credentials =
    'token' in user ? { token: user.token } : { 'client-certificate': user.clientCertificate, 'client-key': user.clientKey };
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'test', cluster: { server: server.url, 'certificate-authority': server.caFile } }],
      users: [{ name: 'user', user: credentials }],
      contexts: [{ name: 'test', context: { cluster: 'test', user: 'user', namespace: 'default' } }],
      'current-context': 'test',
    }),
    { mode: 0o600 },
  );
  return path;
}
