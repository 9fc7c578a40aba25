// Decides what a non-2xx answer from the Kubernetes API means: 409, 429 and
// 5xx can pass with a retry; 401, 403, 404 and 422 need a person, so each says
// what to change.
import type { FailureReason } from '../../errors/refresh-error.js';
import { redactSecretLike } from '../../log/redact-secrets.js';
import { KubernetesError, describeCall, type KubeCallSite, type KubernetesErrorCode } from './kubernetes-error.js';

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

/** The `message` of a Kubernetes Status object, or a short excerpt of whatever came back. */
function serverMessage(body: string): string | undefined {
  let text = body;
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') text = parsed.message;
  } catch {
    // not JSON: a proxy or load balancer answered; an excerpt is all there is
  }
  const flat = redactSecretLike(text).replace(/\s+/g, ' ').trim();
  return flat ? flat.slice(0, 300) : undefined;
}
