// Reads one Secret; a missing one is `undefined`, not an error, because
// "missing" is the normal first step of creating it.
import type { KubeClient } from '../api/create-kube-client.js';
import { isKubernetesError } from '../api/kubernetes-error.js';
import type { PullSecretTarget, SecretObject } from './build-pull-secret.js';

export async function getSecret(client: KubeClient, target: PullSecretTarget, timeoutMs?: number, signal?: AbortSignal): Promise<SecretObject | undefined> {
  try {
    return await client.send<SecretObject>({ verb: 'get', apiVersion: 'v1', plural: 'secrets', ...target, timeoutMs, signal });
  } catch (error) {
    if (isKubernetesError(error, 'ERR_KUBE_NOT_FOUND')) return undefined;
    throw error;
  }
}
