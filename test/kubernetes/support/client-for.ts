// A product KubeClient for the test API server, through a kubeconfig file
// the way an operator would configure it.
import { createKubeClient, type KubeClient } from '../../../src/kubernetes/api/create-kube-client.js';
import { loadKubeConnection } from '../../../src/kubernetes/api/load-kube-connection.js';
import type { KubeApiServer } from '../../support/kube/start-kube-api-server.js';

let counter = 0;

export function clientFor(kube: KubeApiServer, token = kube.adminToken, requestTimeoutMs = 5000): KubeClient {
  const kubeconfig = kube.writeKubeconfig(`client-${++counter}`, { token });
  return createKubeClient({ connection: loadKubeConnection({ kubeconfig }), requestTimeoutMs });
}
