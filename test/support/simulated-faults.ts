// The retryable faults a long-run simulation switches on and off at the
// stand-ins: ECR throttling, server errors and dropped connections; secrets
// API 5xx, 429 with Retry-After, 409, dropped connections and garbled lists;
// provisioning that never leaves `pending`. And the permanent ones, which a
// person fixes after a while: ECR access denied (an IAM change propagating),
// a WAF in front of the secrets API answering 403 with an HTML page, a revoked
// API key (401). (Provisioning that ends `failed` is left out: the set then
// holds a fresh token that still cannot be pulled with, which no refresh fixes.)
import { ecrErrors, type EcrFault } from '../../stand-ins/ecr-fault.js';
import type { EcrStandIn } from '../../stand-ins/ecr-stand-in.js';
import type { FaultRoute, SecretsApiFault, SecretsApiStandIn } from '../../stand-ins/secrets-api-stand-in.js';

export interface SimulatedFault {
  label: string;
  apply(ecr: EcrStandIn, api: SecretsApiStandIn): void;
  clear(ecr: EcrStandIn, api: SecretsApiStandIn): void;
}

function ecrFault(label: string, fault: EcrFault): SimulatedFault {
  return { label, apply: (ecr) => ecr.setFault(fault), clear: (ecr) => ecr.setFault(undefined) };
}

function apiFault(label: string, route: FaultRoute, fault: SecretsApiFault): SimulatedFault {
  return { label, apply: (_ecr, api) => api.setFault(fault, route), clear: (_ecr, api) => api.setFault(undefined, route) };
}

/** Weighted: common faults more often; a stuck set costs a full confirm timeout per attempt, so it is rarer. */
export const RETRYABLE_FAULTS: readonly (readonly [number, SimulatedFault])[] = [
  [3, ecrFault('ECR ThrottlingException', ecrErrors.throttling)],
  [2, ecrFault('ECR ServerException 500', ecrErrors.server)],
  [2, ecrFault('ECR connection reset', { kind: 'reset' })],
  [3, apiFault('secrets PUT 503', 'put', { kind: 'status', status: 503 })],
  [2, apiFault('secrets PUT 429 Retry-After 120', 'put', { kind: 'status', status: 429, headers: { 'retry-after': '120' } })],
  [1, apiFault('secrets PUT 409', 'put', { kind: 'status', status: 409 })],
  [2, apiFault('secrets PUT connection reset', 'put', { kind: 'reset' })],
  [2, apiFault('secrets list 502', 'list', { kind: 'status', status: 502 })],
  [1, apiFault('secrets list garbage', 'list', { kind: 'garbage' })],
  [
    1,
    {
      label: 'provisioning stuck pending',
      apply: (_ecr, api) => api.setDefaultProvisioning({ outcome: 'stuck' }),
      clear: (_ecr, api) => api.setDefaultProvisioning(undefined),
    },
  ],
];

/** Weighted like the retryable ones: each heals when the outage ends, as when a person has acted. */
export const PERMANENT_FAULTS: readonly (readonly [number, SimulatedFault])[] = [
  [2, ecrFault('ECR AccessDeniedException', ecrErrors.accessDenied)],
  [
    2,
    apiFault('secrets PUT 403 from a WAF (HTML)', 'put', {
      kind: 'status',
      status: 403,
      headers: { 'content-type': 'text/html' },
      body: '<html><body><h1>403 Forbidden</h1></body></html>',
    }),
  ],
  [1, apiFault('secrets PUT 401 (key revoked)', 'put', { kind: 'status', status: 401 })],
];
