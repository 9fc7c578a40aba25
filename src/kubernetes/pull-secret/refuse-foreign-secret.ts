// Which existing Secrets are not ours to write, and what a person does about
// each: one of another type (a TLS key, an Opaque app secret) belongs to
// someone else; one that another tool (Helm, Argo CD, a controller) names as
// its manager is that tool's, and writing it would start a fight over it,
// unless a person has annotated it to let us add our registry entry; one
// whose `.dockerconfigjson` we cannot merge into would lose what it holds.
// Each is left untouched with a permanent error naming the fix.
import {
  ALLOW_MERGE_ANNOTATION,
  DOCKER_CONFIG_JSON_KEY,
  DOCKER_CONFIG_JSON_TYPE,
  MANAGED_BY_LABEL,
  MANAGER_NAME,
  type PullSecretTarget,
  type SecretObject,
} from './build-pull-secret.js';
import { KubernetesError } from '../api/kubernetes-error.js';
import { unmergeableReason } from './merge-docker-config.js';

export interface SecretRefusal {
  code: 'ERR_KUBE_WRONG_SECRET_TYPE' | 'ERR_KUBE_FOREIGN_MANAGER' | 'ERR_KUBE_UNMERGEABLE_SECRET';
  /** What is wrong with the Secret, free of any credential. */
  problem: string;
  fix: string;
}

export function secretRefusal(secret: SecretObject | undefined, target: PullSecretTarget): SecretRefusal | undefined {
  if (!secret) return undefined;
  const { namespace, name } = target;
  if (secret.type !== DOCKER_CONFIG_JSON_TYPE) {
    return {
      code: 'ERR_KUBE_WRONG_SECRET_TYPE',
      problem: `it has type "${secret.type ?? 'Opaque'}", not ${DOCKER_CONFIG_JSON_TYPE}`,
      fix: `point the target at another name, or delete that Secret (kubectl delete secret -n ${namespace} ${name}) if nothing needs it`,
    };
  }
  const manager = secret.metadata.labels?.[MANAGED_BY_LABEL];
  if (manager && manager !== MANAGER_NAME && secret.metadata.annotations?.[ALLOW_MERGE_ANNOTATION] !== 'true') {
    return {
      code: 'ERR_KUBE_FOREIGN_MANAGER',
      problem: `it is managed by "${manager}" (label ${MANAGED_BY_LABEL})`,
      fix:
        `if ${manager} may share it, let ecr-token-refresher write its registry entry into it with the annotation ${ALLOW_MERGE_ANNOTATION}: "true" ` +
        `(kubectl annotate secret -n ${namespace} ${name} ${ALLOW_MERGE_ANNOTATION}=true, or add it where ${manager} defines the Secret); ` +
        'otherwise point the target at another name',
    };
  }
  const encoded = secret.data?.[DOCKER_CONFIG_JSON_KEY];
  const unmergeable = encoded === undefined ? undefined : unmergeableReason(Buffer.from(encoded, 'base64'));
  if (unmergeable) {
    return {
      code: 'ERR_KUBE_UNMERGEABLE_SECRET',
      problem: `its ${DOCKER_CONFIG_JSON_KEY} ${unmergeable}, so the registry entry cannot be added without losing what it holds`,
      fix: `correct that Secret's ${DOCKER_CONFIG_JSON_KEY} (kubectl edit secret -n ${namespace} ${name}), or point the target at another name`,
    };
  }
  return undefined;
}

export function refusalError(target: PullSecretTarget, endpoint: string, refusal: SecretRefusal): KubernetesError {
  const { namespace, name } = target;
  return new KubernetesError(`Secret ${namespace}/${name} at ${endpoint} is not written: ${refusal.problem}, and it is left untouched: ${refusal.fix}`, {
    code: refusal.code,
    reason: 'config',
    retryable: false,
    endpoint,
    verb: 'update',
    resource: 'secrets',
    namespace,
    name,
    fix: refusal.fix,
  });
}
