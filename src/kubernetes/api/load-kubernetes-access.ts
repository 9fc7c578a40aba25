// Everything the process needs of Kubernetes, found once at start-up: the
// connection (only when a target is a pull Secret or leader election is on)
// and the Lease's namespace. Problems are configuration errors, reported with
// the rest before anything runs.
import type { Config } from '../../config/config.js';
import { ConfigError } from '../../config/config-error.js';
import type { KubeConnection } from './kube-connection.js';
import { loadKubeConnection } from './load-kube-connection.js';

export interface KubernetesAccess {
  connection: KubeConnection;
  /** Set when leader election is on. */
  leaseNamespace?: string;
}

export function loadKubernetesAccess(
  config: Pick<Config, 'targets' | 'leaderElection' | 'kubernetes'>,
  service: { host?: string; port?: string },
  readText?: (path: string) => string,
): KubernetesAccess | undefined {
  const electing = config.leaderElection.enabled;
  if (!electing && !config.targets.some((target) => target.destination.kind !== 'pipecat')) return undefined;
  const connection = loadKubeConnection({ ...config.kubernetes, serviceHost: service.host, servicePort: service.port }, { readText });
  if (!electing) return { connection };
  const leaseNamespace = config.leaderElection.namespace ?? connection.namespace;
  if (!leaseNamespace) {
    throw new ConfigError([
      {
        field: 'LEADER_ELECTION_NAMESPACE',
        message: `is not set, and neither POD_NAMESPACE nor ${connection.source} names a namespace: set it to the namespace of the Lease`,
      },
    ]);
  }
  return { connection, leaseNamespace };
}
