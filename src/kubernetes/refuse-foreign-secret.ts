// A Secret of another type under our name belongs to someone else (a TLS
// key, an Opaque app secret): overwriting it would break them, so it is left
// alone and the operator is told how to resolve the clash.
import { DOCKER_CONFIG_JSON_TYPE, type PullSecretTarget, type SecretObject } from './build-pull-secret.js';
import { KubernetesError } from './kubernetes-error.js';

export function foreignSecretProblem(secret: SecretObject | undefined): string | undefined {
  if (!secret || secret.type === DOCKER_CONFIG_JSON_TYPE) return undefined;
  return `it has type "${secret.type ?? 'Opaque'}", not ${DOCKER_CONFIG_JSON_TYPE}`;
}

export function foreignSecretError(target: PullSecretTarget, endpoint: string, problem: string): KubernetesError {
  const { namespace, name } = target;
  const fix = `point the target at another name, or delete that Secret (kubectl delete secret -n ${namespace} ${name}) if nothing needs it`;
  return new KubernetesError(`Secret ${namespace}/${name} at ${endpoint} is not written: ${problem}, and it is left untouched: ${fix}`, {
    code: 'ERR_KUBE_WRONG_SECRET_TYPE',
    reason: 'config',
    retryable: false,
    endpoint,
    verb: 'update',
    resource: 'secrets',
    namespace,
    name,
    fix,
  });
}
