// Decides what a non-2xx answer from the Kubernetes API means: 409, 429 and
// 5xx can pass with a retry (statusMeaning, as for every HTTP API); 401, 403,
// 404 and 422 need a person, so each says what to change.
import type { FailureReason } from '../errors/refresh-error.js';
import { serverMessage, statusMeaning } from '../http/reply.js';
import { KubernetesError, describeCall, type KubeCallSite, type KubernetesErrorCode } from './kubernetes-error.js';

export function classifyKubeStatus(options: {
  status: number;
  body: string;
  retryAfterMs?: number;
  site: KubeCallSite;
}): KubernetesError {
  const { status, site } = options;
  const [code, reason, hint] = meaning(status, site);
  const { retryable } = statusMeaning(status);
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
  return `add to a Role in namespace "${site.namespace}" bound to this identity the rule {apiGroups: ["${group}"], resources: ["${plural}"], verbs: ["${site.verb}"]}`;
}

function meaning(status: number, site: KubeCallSite): [KubernetesErrorCode, FailureReason, string] {
  if (status === 401) {
    return ['ERR_KUBE_UNAUTHORIZED', 'unauthorized', 'the API server did not accept the credentials: check the token or client certificate in KUBECONFIG, or the service account token of the pod'];
  }
  if (status === 403) return ['ERR_KUBE_FORBIDDEN', 'access_denied', rbacRule(site)];
  if (status === 404) {
    const what = site.verb === 'create' ? `check that namespace "${site.namespace}" exists` : 'check the name and namespace';
    return ['ERR_KUBE_NOT_FOUND', 'not_found', what];
  }
  if (status === 409) return ['ERR_KUBE_CONFLICT', 'conflict', ''];
  if (status === 422) return ['ERR_KUBE_INVALID', 'bad_request', 'the API server refused the object as invalid'];
  if (status === 429) return ['ERR_KUBE_RATE_LIMITED', 'rate_limited', ''];
  if (status >= 500) return ['ERR_KUBE_SERVER', 'server_error', ''];
  return ['ERR_KUBE_BAD_REQUEST', 'bad_request', ''];
}
