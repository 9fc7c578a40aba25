// Reads the Secret back after a write and checks that it carries this very
// token for the registry: the API server's "200 OK" proves the write, not that
// nobody replaced it a moment later with something the kubelet cannot use.
import type { EcrToken } from '../../ecr/ecr-token.js';
import type { KubeClient } from '../api/create-kube-client.js';
import { DOCKER_CONFIG_JSON_KEY, DOCKER_CONFIG_JSON_TYPE, type PullSecretTarget, type SecretObject } from './build-pull-secret.js';
import { getSecret } from './get-secret.js';
import { KubernetesError } from '../api/kubernetes-error.js';

export async function confirmPullSecret(deps: { client: KubeClient; target: PullSecretTarget; token: EcrToken }): Promise<SecretObject> {
  const { client, target, token } = deps;
  const secret = await getSecret(client, target);
  const problem = mismatch(secret, token);
  if (problem || !secret) {
    throw new KubernetesError(`Secret ${target.namespace}/${target.name} at ${client.endpoint} does not hold the token just written: ${problem}`, {
      code: 'ERR_KUBE_CONFIRM_MISMATCH',
      reason: 'bad_response',
      retryable: true,
      endpoint: client.endpoint,
      verb: 'get',
      resource: 'secrets',
      ...target,
    });
  }
  return secret;
}

/** Why the Secret does not carry `token`, in words free of any credential; undefined when it does. */
function mismatch(secret: SecretObject | undefined, token: EcrToken): string | undefined {
  if (!secret) return 'it is gone (deleted after the write)';
  if (secret.type !== DOCKER_CONFIG_JSON_TYPE) return `its type is now "${secret.type ?? 'Opaque'}"`;
  const encoded = secret.data?.[DOCKER_CONFIG_JSON_KEY];
  if (!encoded) return `it has no ${DOCKER_CONFIG_JSON_KEY} key`;
  let entry: { username?: unknown; password?: unknown; auth?: unknown } | undefined;
  try {
    const parsed = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as { auths?: Record<string, typeof entry> };
    entry = parsed.auths?.[token.registryHost];
  } catch {
    return `its ${DOCKER_CONFIG_JSON_KEY} is not JSON`;
  }
  if (!entry) return `it has no entry for ${token.registryHost}`;
  const auth = Buffer.from(`AWS:${token.password}`, 'utf8').toString('base64');
  if (entry.username !== 'AWS' || entry.password !== token.password || entry.auth !== auth) {
    return `the entry for ${token.registryHost} holds another credential (changed by someone else since)`;
  }
  return undefined;
}
