// The one error the Kubernetes client and the pull-Secret writer throw: a
// classified error (reason, retryable, status) that also names where the call
// went (scheme://host:port), the verb, the resource and the namespace, because
// "forbidden" or "connection refused" is useless without them. Also what
// each answer means (classifyKubeStatus) and what a request that never got an
// answer becomes (kubeNetworkError): every Kubernetes error is made here.
import { ClassifiedError, type FailureFacts } from '../../errors/classified-error.js';
import type { FailureReason } from '../../errors/refresh-error.js';
import { errorCodes, networkFailureReason } from '../../http/cause-chain.js';
import { serverMessage } from '../../http/reply.js';

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

// --- what an answer means ---
// Decides what a non-2xx answer from the Kubernetes API means: 409, 429 and
// 5xx can pass with a retry; 401, 403, 404 and 422 need a person, so each says
// what to change.

export function classifyKubeStatus(options: {
  status: number;
  body: string;
  retryAfterMs?: number;
  site: KubeCallSite;
}): KubernetesError {
  const { status, site } = options;
  const [code, reason, retryable, hint] = meaning(status, site);
  const said = serverMessage(options.body);
  return new KubernetesError(`${describeCall(site)} answered HTTP ${status}${said ? `: ${said}` : ''}${hint ? ` (${hint})` : ''}`, {
    ...site,
    code,
    reason,
    retryable,
    status,
    retryAfterMs: options.retryAfterMs,
    ...(hint && { fix: hint }),
  });
}

/** The Role rule that grants one verb on one resource, written as it goes into a Role. */
export function rbacRule(site: Pick<KubeCallSite, 'verb' | 'resource' | 'namespace'>): string {
  const dot = site.resource.indexOf('.');
  const [plural, group] = dot === -1 ? [site.resource, ''] : [site.resource.slice(0, dot), site.resource.slice(dot + 1)];
  const where = site.namespace ? `a Role in namespace "${site.namespace}"` : 'a ClusterRole';
  return `add to ${where} bound to this identity the rule {apiGroups: ["${group}"], resources: ["${plural}"], verbs: ["${site.verb}"]}`;
}

function meaning(status: number, site: KubeCallSite): [KubernetesErrorCode, FailureReason, boolean, string] {
  if (status === 401) {
    return ['ERR_KUBE_UNAUTHORIZED', 'unauthorized', false, 'the API server did not accept the credentials: check the token or client certificate in KUBECONFIG, or the service account token of the pod'];
  }
  if (status === 403) return ['ERR_KUBE_FORBIDDEN', 'access_denied', false, rbacRule(site)];
  if (status === 404) {
    const what = site.verb === 'create' ? `check that namespace "${site.namespace}" exists` : 'check the name and namespace';
    return ['ERR_KUBE_NOT_FOUND', 'not_found', false, what];
  }
  if (status === 409) return ['ERR_KUBE_CONFLICT', 'conflict', true, ''];
  // A watch or list from a resourceVersion etcd has compacted away: list again.
  if (status === 410) return ['ERR_KUBE_GONE', 'conflict', true, ''];
  if (status === 422) return ['ERR_KUBE_INVALID', 'bad_request', false, 'the API server refused the object as invalid'];
  if (status === 429) return ['ERR_KUBE_RATE_LIMITED', 'rate_limited', true, ''];
  if (status >= 500) return ['ERR_KUBE_SERVER', 'server_error', true, ''];
  return ['ERR_KUBE_BAD_REQUEST', 'bad_request', false, ''];
}

// --- a request that never got an answer ---
// What a request that never got an HTTP answer becomes: a TLS refusal is
// configuration and permanent, anything else on the way is retryable.

// Certificate problems are configuration, not weather: retrying cannot fix them.
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function kubeNetworkError(error: unknown, site: KubeCallSite): KubernetesError {
  const codes = errorCodes(error);
  const tls = codes.find((c) => TLS_CODES.has(c));
  if (tls) {
    const fix = 'check the certificate authority (certificate-authority in KUBECONFIG, or ca.crt of the service account)';
    return new KubernetesError(`${describeCall(site)} failed: the server's TLS certificate was not accepted (${tls}); ${fix}`, {
      ...site,
      code: 'ERR_KUBE_TLS',
      reason: 'connection_error',
      retryable: false,
      fix,
      cause: error,
    });
  }
  const reason = networkFailureReason(error) ?? 'connection_error';
  return new KubernetesError(`${describeCall(site)} failed: ${reason.replace('_', ' ')}${codes[0] ? ` (${codes[0]})` : ''}`, {
    ...site,
    code: 'ERR_KUBE_NETWORK',
    reason,
    retryable: true,
    fix: `check that ${site.endpoint} is the API server and is reachable from here (the server of KUBECONFIG, or KUBERNETES_SERVICE_HOST/_PORT)`,
    cause: error,
  });
}
