// The credentials this process shows the Kubernetes API are secrets like the
// tokens it writes: the bearer token (a service-account token, which the
// kubelet rotates, or a kubeconfig token) and a client key are registered with
// the log scrubber before the first request, and each new value of a rotating
// token as soon as it is read.
import type { SecretScrubber } from '../../log/create-scrubbing-destination.js';
import type { KubeConnection } from './kube-connection.js';

export function scrubKubeCredentials(connection: KubeConnection, secrets: Pick<SecretScrubber, 'keep' | 'rotate'>): KubeConnection {
  const key = connection.clientCertificate?.keyPem;
  if (key) {
    secrets.keep(key);
    // As a JSON log line would carry it, newlines escaped.
    secrets.keep(JSON.stringify(key).slice(1, -1));
  }
  const read = connection.token;
  if (!read) return connection;
  let last: string | undefined;
  const token = () => {
    const value = read();
    if (value !== last) secrets.rotate('kubernetes bearer token', value);
    last = value;
    return value;
  };
  token();
  return { ...connection, token };
}
