// Creates or updates one image-pull Secret with a fresh ECR token. Updates
// carry the resourceVersion that was read, so a concurrent writer is never
// overwritten blindly: a 409 means read again and reapply, a few times, and
// then let the caller's backoff take over.
import type { EcrToken } from '../ecr/ecr-token.js';
import type { KubeClient } from './create-kube-client.js';
import { buildPullSecret, type PullSecretTarget, type SecretObject } from './build-pull-secret.js';
import { getSecret } from './get-secret.js';
import { isKubernetesError } from './kubernetes-error.js';
import { foreignSecretError, foreignSecretProblem } from './refuse-foreign-secret.js';

export const MAX_WRITE_ATTEMPTS = 5;

export interface PullSecretWrite {
  action: 'created' | 'updated';
  /** 1 unless a concurrent change forced a re-read. */
  attempts: number;
  resourceVersion?: string;
}

export async function writePullSecret(deps: {
  client: KubeClient;
  target: PullSecretTarget;
  token: EcrToken;
  maxAttempts?: number;
}): Promise<PullSecretWrite> {
  const { client, target, token } = deps;
  const maxAttempts = deps.maxAttempts ?? MAX_WRITE_ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    const existing = await getSecret(client, target);
    const problem = foreignSecretProblem(existing);
    if (problem) throw foreignSecretError(target, client.endpoint, problem);
    const body = buildPullSecret(target, token, existing);
    try {
      const saved = existing
        ? await client.send<SecretObject>({ verb: 'update', apiVersion: 'v1', plural: 'secrets', ...target, body })
        : await client.send<SecretObject>({ verb: 'create', apiVersion: 'v1', plural: 'secrets', namespace: target.namespace, body });
      return { action: existing ? 'updated' : 'created', attempts: attempt, resourceVersion: saved.metadata?.resourceVersion };
    } catch (error) {
      // 409: changed (or created) by someone else since our read; 404 on update: deleted since.
      const raced = isKubernetesError(error, 'ERR_KUBE_CONFLICT') || (existing !== undefined && isKubernetesError(error, 'ERR_KUBE_NOT_FOUND'));
      if (!raced || attempt >= maxAttempts) throw error;
    }
  }
}
