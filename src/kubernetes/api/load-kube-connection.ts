// Finds the Kubernetes API the way kubectl and client-go do: KUBECONFIG when
// it is set, else the pod's own service account.
import { readFileSync } from 'node:fs';
import { delimiter } from 'node:path';
import { systemClock, type Clock } from '../../schedule/clock.js';
import type { KubeConnection } from './kube-connection.js';
import { parseKubeconfig } from './parse-kubeconfig.js';
import { readInClusterConnection } from './read-in-cluster-connection.js';

export interface KubeConnectionSettings {
  /** The KUBECONFIG value: one path or a list joined like PATH. */
  kubeconfig?: string;
  serviceAccountDir?: string;
  serviceHost?: string;
  servicePort?: string;
}

export function loadKubeConnection(
  settings: KubeConnectionSettings,
  deps: { readText?: (path: string) => string; clock?: Clock } = {},
): KubeConnection {
  const readText = deps.readText ?? ((path: string) => readFileSync(path, 'utf8'));
  const clock = deps.clock ?? systemClock;
  const paths = (settings.kubeconfig ?? '').split(delimiter).filter(Boolean);
  if (paths.length > 0) return parseKubeconfig({ paths, readText, clock });
  return readInClusterConnection({ ...settings, readText, clock });
}
