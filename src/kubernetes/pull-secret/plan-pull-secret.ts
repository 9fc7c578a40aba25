// What a write would do to one pull Secret, found by reading only: for
// --dry-run and for /readyz, which must never change the cluster.
import type { KubeClient } from '../api/create-kube-client.js';
import { EXPIRES_AT_ANNOTATION, MANAGED_BY_LABEL, MANAGER_NAME, type PullSecretTarget } from './build-pull-secret.js';
import { getSecret } from './get-secret.js';
import { secretRefusal, type SecretRefusal } from './refuse-foreign-secret.js';

export type PullSecretPlan =
  | { action: 'create' }
  | { action: 'update'; managedByUs: boolean; expiresAt?: string }
  | ({ action: 'refuse' } & SecretRefusal);

export async function planPullSecret(client: KubeClient, target: PullSecretTarget): Promise<PullSecretPlan> {
  const existing = await getSecret(client, target);
  if (!existing) return { action: 'create' };
  const refusal = secretRefusal(existing, target);
  if (refusal) return { action: 'refuse', ...refusal };
  return {
    action: 'update',
    managedByUs: existing.metadata.labels?.[MANAGED_BY_LABEL] === MANAGER_NAME,
    expiresAt: existing.metadata.annotations?.[EXPIRES_AT_ANNOTATION],
  };
}
