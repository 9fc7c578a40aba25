// Creates or updates one image-pull Secret with a fresh ECR token. Updates
// carry the resourceVersion that was read, so a concurrent writer is never
// overwritten blindly: a 409 means read again and reapply, a few times, and
// then let the caller's backoff take over. Under leader election the term's
// fence is checked before every attempt and again right before the write
// (the read may come back after the renew deadline), and the write carries
// the term's signal, so it is aborted if the term ends while it is in flight.
import type { EcrToken } from '../../ecr/ecr-token.js';
import { leadershipLapsedError } from '../../sink/fence-sinks.js';
import type { WriteFence } from '../../sink/sink.js';
import type { KubeClient } from '../api/create-kube-client.js';
import { buildPullSecret, DOCKER_CONFIG_JSON_KEY, type PullSecretTarget, type SecretObject } from './build-pull-secret.js';
import { getSecret } from './get-secret.js';
import { isKubernetesError } from '../api/kubernetes-error.js';
import { refusalError, secretRefusal } from './refuse-foreign-secret.js';

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
  fence?: WriteFence;
  /** Told each `.dockerconfigjson` value (base64, as stored) before it is sent: a secret, for the log scrubber. */
  onSecret?: (value: string) => void;
}): Promise<PullSecretWrite> {
  const { client, target, token, fence } = deps;
  const maxAttempts = deps.maxAttempts ?? MAX_WRITE_ATTEMPTS;
  const stillLeading = () => {
    if (fence && !fence.holds()) throw leadershipLapsedError();
  };
  for (let attempt = 1; ; attempt++) {
    stillLeading();
    const existing = await getSecret(client, target, undefined, fence?.signal);
    const refusal = secretRefusal(existing, target);
    if (refusal) throw refusalError(target, client.endpoint, refusal);
    const body = buildPullSecret(target, token, existing);
    deps.onSecret?.(body.data![DOCKER_CONFIG_JSON_KEY]!);
    stillLeading();
    const signal = fence?.signal;
    try {
      const saved = existing
        ? await client.send<SecretObject>({ verb: 'update', apiVersion: 'v1', plural: 'secrets', ...target, body, signal })
        : await client.send<SecretObject>({ verb: 'create', apiVersion: 'v1', plural: 'secrets', namespace: target.namespace, body, signal });
      return { action: existing ? 'updated' : 'created', attempts: attempt, resourceVersion: saved.metadata?.resourceVersion };
    } catch (error) {
      // 409: changed (or created) by someone else since our read; 404 on update: deleted since.
      const raced = isKubernetesError(error, 'ERR_KUBE_CONFLICT') || (existing !== undefined && isKubernetesError(error, 'ERR_KUBE_NOT_FOUND'));
      if (!raced || attempt >= maxAttempts) throw error;
    }
  }
}
