// What a request that never got an HTTP answer becomes: a TLS refusal is
// configuration and permanent, anything else on the way is retryable.
import { networkFailureReason } from '../../errors/network-failure-reason.js';
import { KubernetesError, describeCall, type KubeCallSite } from './kubernetes-error.js';

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
  const codes = codesOf(error);
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

/** Error codes along the cause chain, outermost first (undici wraps socket errors). */
function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}
