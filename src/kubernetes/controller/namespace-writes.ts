// The writes that bring one namespace to its plan, made against the API: the
// Secret created (with the target's label) or replaced by a merge patch that
// carries the cached resourceVersion, a Secret that is not ours merged into or
// refused as for a single Secret, our Secret pruned with a resourceVersion
// precondition, and a ServiceAccount's imagePullSecrets replaced with a
// resourceVersion precondition (a concurrent change answers 409; nothing is
// overwritten). Also the words for each write and the Event reason of a failure.
import type { EcrToken } from '../../ecr/ecr-token.js';
import type { WriteFence } from '../../sink/sink.js';
import type { KubeClient } from '../api/create-kube-client.js';
import { isKubernetesError } from '../api/kubernetes-error.js';
import { buildMultiRegistryDockerConfigJson, buildPullSecret, DOCKER_CONFIG_JSON_KEY, EXPIRES_AT_ANNOTATION, formatExpiry } from '../pull-secret/build-pull-secret.js';
import { writePullSecret } from '../pull-secret/write-pull-secret.js';
import type { NamespaceWrite } from './namespace-plan.js';
import type { KubeObject } from './reflector.js';

/**
 * Which target made a Secret: a digest of the target's selection. Only Secrets
 * with this target's value are watched as its own and pruned, so another
 * target (or a single-namespace one) with the same Secret name is never touched.
 */
export const TARGET_LABEL = 'ecr-token-refresher.pipecat.ai/target';

export function createNamespaceWriter(deps: {
  client: KubeClient;
  /** The Secret's name in every namespace. */
  name: string;
  /** This target's value of TARGET_LABEL. */
  owner: string;
  /** The current term's fence, under leader election. */
  fence: () => WriteFence | undefined;
  onSecret?: (value: string) => void;
}) {
  const { client, owner } = deps;

  /** Each token's entry merged into a Secret that is not ours: read, then merge or refuse, as for a single Secret. */
  async function mergeInto(target: { namespace: string; name: string }, current: readonly EcrToken[]) {
    for (const token of current) await writePullSecret({ client, target, token, fence: deps.fence(), onSecret: deps.onSecret });
  }

  /**
   * Makes one write; returns the object the API server saved (for the cache to
   * assume until its watch event arrives), `gone` after a delete, or nothing
   * when it cannot say (a merge through read-and-update).
   */
  async function perform(namespace: string, write: NamespaceWrite, current: readonly EcrToken[] | undefined): Promise<KubeObject | 'gone' | undefined> {
    const fence = deps.fence();
    const signal = fence?.signal;
    const target = { namespace, name: deps.name };
    const encoded = () => {
      const value = Buffer.from(buildMultiRegistryDockerConfigJson(current!), 'utf8').toString('base64');
      deps.onSecret?.(value);
      return value;
    };
    const expiresAt = () => formatExpiry(Math.min(...current!.map((token) => token.expiresAt)));
    switch (write.kind) {
      case 'create-secret': {
        const built = buildPullSecret(target, current![0]!);
        const body = {
          ...built,
          metadata: { ...built.metadata, labels: { ...built.metadata.labels, [TARGET_LABEL]: owner }, annotations: { [EXPIRES_AT_ANNOTATION]: expiresAt() } },
          data: { [DOCKER_CONFIG_JSON_KEY]: encoded() },
        };
        try {
          return await client.send<KubeObject>({ verb: 'create', apiVersion: 'v1', plural: 'secrets', namespace, body, signal });
        } catch (error) {
          if (!isKubernetesError(error, 'ERR_KUBE_CONFLICT')) throw error;
          await mergeInto(target, current!);
        }
        return undefined;
      }
      case 'update-secret': {
        if (!write.patch) {
          await mergeInto(target, current!);
          return undefined;
        }
        const body = {
          metadata: { resourceVersion: write.resourceVersion, annotations: { [EXPIRES_AT_ANNOTATION]: expiresAt() } },
          data: { [DOCKER_CONFIG_JSON_KEY]: encoded() },
        };
        return await client.send<KubeObject>({ verb: 'patch', apiVersion: 'v1', plural: 'secrets', namespace, name: deps.name, body, signal });
      }
      case 'delete-secret': {
        const body = { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { resourceVersion: write.resourceVersion } };
        await ignoreNotFound(client.send({ verb: 'delete', apiVersion: 'v1', plural: 'secrets', namespace, name: deps.name, body, signal }));
        return 'gone';
      }
      case 'patch-service-account': {
        // The resourceVersion makes this a conditional write: a concurrent change answers 409 and is looked at again, never overwritten.
        const body = { metadata: { resourceVersion: write.resourceVersion }, imagePullSecrets: write.imagePullSecrets.map((name) => ({ name })) };
        return ignoreNotFound(client.send<KubeObject>({ verb: 'patch', apiVersion: 'v1', plural: 'serviceaccounts', namespace, name: write.name, body, signal }));
      }
    }
  }


  return { perform };
}

/** The log message of a write done. */
export function describeWrite(write: NamespaceWrite): string {
  switch (write.kind) {
    case 'create-secret':
      return 'pull Secret created';
    case 'update-secret':
      return 'pull Secret updated';
    case 'delete-secret':
      return 'pull Secret removed from a namespace that no longer matches';
    case 'patch-service-account':
      return write.adding ? 'pull Secret added to a ServiceAccount' : 'pull Secret removed from a ServiceAccount';
  }
}

/** The Event reason a person reads in `kubectl get events`. */
export function eventReason(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = (error as { message?: string }).message ?? '';
  if (code === 'ERR_KUBE_WRONG_SECRET_TYPE' || code === 'ERR_KUBE_FOREIGN_MANAGER' || code === 'ERR_KUBE_UNMERGEABLE_SECRET') return 'PullSecretRefused';
  if (/exceeded quota/i.test(message)) return 'PullSecretQuotaExceeded';
  if (/admission webhook/i.test(message)) return 'PullSecretDeniedByWebhook';
  if (code === 'ERR_KUBE_FORBIDDEN') return 'PullSecretForbidden';
  return 'PullSecretWriteFailed';
}

async function ignoreNotFound<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (error) {
    if (!isKubernetesError(error, 'ERR_KUBE_NOT_FOUND')) throw error;
    return undefined;
  }
}

