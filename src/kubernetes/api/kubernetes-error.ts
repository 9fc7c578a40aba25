// The one error the Kubernetes client and the pull-Secret writer throw: a
// classified error (reason, retryable, status) that also names where the call
// went (scheme://host:port), the verb, the resource and the namespace, because
// "forbidden" or "connection refused" is useless without them.
import { ClassifiedError, type FailureFacts } from '../../errors/classified-error.js';

export type KubernetesErrorCode =
  | 'ERR_KUBE_UNAUTHORIZED'
  | 'ERR_KUBE_FORBIDDEN'
  | 'ERR_KUBE_NOT_FOUND'
  | 'ERR_KUBE_CONFLICT'
  | 'ERR_KUBE_INVALID'
  | 'ERR_KUBE_BAD_REQUEST'
  | 'ERR_KUBE_RATE_LIMITED'
  | 'ERR_KUBE_SERVER'
  | 'ERR_KUBE_NETWORK'
  | 'ERR_KUBE_TLS'
  | 'ERR_KUBE_BAD_RESPONSE'
  | 'ERR_KUBE_WRONG_SECRET_TYPE'
  | 'ERR_KUBE_FOREIGN_MANAGER'
  | 'ERR_KUBE_UNMERGEABLE_SECRET'
  | 'ERR_KUBE_ABANDONED'
  | 'ERR_KUBE_GONE'
  | 'ERR_KUBE_CONFIRM_MISMATCH';

export type KubeVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

export interface KubeCallSite {
  /** scheme://host:port of the API server. */
  endpoint: string;
  verb: KubeVerb;
  /** Plural resource with its API group, e.g. `secrets` or `leases.coordination.k8s.io`. */
  resource: string;
  /** Empty for a cluster-scoped resource (namespaces) or a list across every namespace. */
  namespace: string;
  name?: string;
}

export interface KubernetesErrorOptions extends KubeCallSite, Omit<FailureFacts, 'endpoint'> {
  code: KubernetesErrorCode;
}

export class KubernetesError extends ClassifiedError {
  override name = 'KubernetesError';
  readonly code: KubernetesErrorCode;
  override readonly endpoint: string;
  readonly verb: KubeVerb;
  readonly resource: string;
  readonly namespace: string;
  readonly resourceName?: string;

  constructor(message: string, options: KubernetesErrorOptions) {
    super(message, options);
    // The call site's facts, kept under the names the rest of the code reads.
    ({ code: this.code, endpoint: this.endpoint, verb: this.verb, resource: this.resource, namespace: this.namespace, name: this.resourceName } = options);
  }
}

export function isKubernetesError(value: unknown, code?: KubernetesErrorCode): value is KubernetesError {
  return value instanceof KubernetesError && (code === undefined || value.code === code);
}

/** `update secrets "agents/ecr-pull" at https://10.0.0.1:443`, the prefix of every message. */
export function describeCall(site: KubeCallSite): string {
  const object = !site.namespace ? (site.name ?? 'in every namespace') : site.name ? `${site.namespace}/${site.name}` : `in namespace ${site.namespace}`;
  return `Kubernetes ${site.verb} ${site.resource} "${object}" at ${site.endpoint}`;
}
