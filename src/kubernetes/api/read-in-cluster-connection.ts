// The connection a pod gets for free: the API server's address from the
// KUBERNETES_SERVICE_HOST/_PORT variables the kubelet sets, and the service
// account's token, CA and namespace from the mounted directory.
import { join } from 'node:path';
import { ConfigError, type ConfigProblem } from '../../config/config-error.js';
import type { Clock } from '../../schedule/clock.js';
import { createFileTokenSource } from './create-file-token-source.js';
import { endpointOf } from '../../http/endpoint.js';
import type { KubeConnection } from './kube-connection.js';

export const DEFAULT_SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export function readInClusterConnection(options: {
  serviceAccountDir?: string;
  serviceHost?: string;
  servicePort?: string;
  readText: (path: string) => string;
  clock: Clock;
}): KubeConnection {
  const dir = options.serviceAccountDir || DEFAULT_SERVICE_ACCOUNT_DIR;
  const dirField = 'KUBERNETES_SERVICE_ACCOUNT_DIR';
  const problems: ConfigProblem[] = [];
  const host = options.serviceHost?.trim();
  const port = options.servicePort?.trim() || '443';
  if (!host) {
    problems.push({
      field: 'KUBERNETES_SERVICE_HOST',
      message: 'is not set, so this is not a pod: set KUBECONFIG to a kubeconfig file to reach a cluster from outside',
    });
  }
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    problems.push({ field: 'KUBERNETES_SERVICE_PORT', message: `"${port}" is not a TCP port (1-65535)` });
  }
  const caPem = readOrReport(join(dir, 'ca.crt'), options.readText, dirField, problems);
  if (caPem !== undefined && !caPem.includes('-----BEGIN CERTIFICATE-----')) {
    problems.push({ field: dirField, message: `${join(dir, 'ca.crt')} holds no PEM certificate` });
  }
  let token: (() => string) | undefined;
  try {
    token = createFileTokenSource({ path: join(dir, 'token'), field: dirField, readText: options.readText, clock: options.clock });
  } catch (error) {
    problems.push(...(error as ConfigError).problems.map((p) => ({ ...p, message: `${p.message}; mount a service account token (automountServiceAccountToken: true)` })));
  }
  if (problems.length > 0 || !host || !token) throw new ConfigError(problems);

  let namespace: string | undefined;
  try {
    namespace = options.readText(join(dir, 'namespace')).trim() || undefined;
  } catch {
    namespace = undefined; // optional: only needed when nothing else names a namespace
  }
  // An IPv6 address needs brackets in a URL; the variable carries it bare.
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const server = new URL(`https://${hostPart}:${port}`);
  return {
    server: `${server.protocol}//${server.host}`,
    endpoint: endpointOf(server),
    caPem,
    token,
    namespace,
    source: `in-cluster service account (${dir})`,
  };
}

function readOrReport(path: string, readText: (path: string) => string, field: string, problems: ConfigProblem[]): string | undefined {
  try {
    return readText(path);
  } catch (error) {
    problems.push({ field, message: `${path} cannot be read (${(error as { code?: string }).code ?? 'error'}); mount a service account token (automountServiceAccountToken: true)` });
    return undefined;
  }
}
