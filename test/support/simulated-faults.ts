// The retryable faults a long-run simulation switches on and off at the
// stand-ins: ECR throttling, server errors and dropped connections; secrets
// API 5xx, 429 with Retry-After, 409, dropped connections and garbled lists;
// provisioning that never leaves `pending`. Permanent faults (access denied,
// bad key, failed provisioning) are left out: they wait for the next tick by
// design, so no retry window applies to them.
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
