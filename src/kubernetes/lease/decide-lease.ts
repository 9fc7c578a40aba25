// The Lease rules of client-go's leader election, as pure functions: given
// the Lease as read now and what this replica saw before, should it take the
// Lease, renew it, or wait for its holder? Expiry is judged on *our* clock:
// the holder's renewTime plus its duration when that renewTime agrees with
// when we first saw it, else our sighting plus the duration (leaseStartsAt),
// so clock skew between replicas cannot make two leaders.
import { leaseStartsAt } from './lease-starts-at.js';

export interface LeaseSpec {
  holderIdentity?: string | null;
  leaseDurationSeconds?: number | null;
  acquireTime?: string | null;
  renewTime?: string | null;
  leaseTransitions?: number | null;
}

export interface LeaseObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string; [key: string]: unknown };
  spec?: LeaseSpec;
}

/** The last distinct record seen, and when (local clock) it was first seen. */
export interface LeaseObservation {
  record: string;
  observedAt: number;
}

export type LeaseDecision =
  | { kind: 'create'; spec: LeaseSpec }
  | { kind: 'update'; spec: LeaseSpec }
  | { kind: 'held'; holder: string; expiresAt: number };

export function decideLease(input: {
  lease: LeaseObject | undefined;
  observation: LeaseObservation | undefined;
  identity: string;
  now: number;
  leaseDurationSeconds: number;
  /** How far before our sighting a renewTime may lie and still be trusted (renewTimeToleranceMs). */
  renewTimeToleranceMs: number;
}): { decision: LeaseDecision; observation: LeaseObservation | undefined } {
  const { lease, identity, now } = input;
  const fresh = (spec: LeaseSpec): LeaseSpec => ({
    holderIdentity: identity,
    leaseDurationSeconds: input.leaseDurationSeconds,
    acquireTime: formatMicroTime(now),
    renewTime: formatMicroTime(now),
    leaseTransitions: spec.leaseTransitions ?? 0,
  });
  if (!lease) return { decision: { kind: 'create', spec: fresh({}) }, observation: undefined };

  const spec = lease.spec ?? {};
  const record = recordKey(spec);
  const observation = input.observation?.record === record ? input.observation : { record, observedAt: now };
  const holder = spec.holderIdentity ?? '';
  if (holder && holder !== identity) {
    const startsAt = leaseStartsAt({ renewTime: spec.renewTime, observedAt: observation.observedAt, toleranceMs: input.renewTimeToleranceMs });
    const expiresAt = startsAt + (spec.leaseDurationSeconds ?? input.leaseDurationSeconds) * 1000;
    if (expiresAt > now) return { decision: { kind: 'held', holder, expiresAt }, observation };
  }
  if (holder === identity) {
    // Renewal: the acquire time and the transition count stay as they were.
    return {
      decision: { kind: 'update', spec: { ...spec, leaseDurationSeconds: input.leaseDurationSeconds, renewTime: formatMicroTime(now) } },
      observation,
    };
  }
  return { decision: { kind: 'update', spec: { ...fresh(spec), leaseTransitions: (spec.leaseTransitions ?? 0) + 1 } }, observation };
}

/** What a holder writes on a clean stop: nobody holds it, so a standby takes it on its next look. */
export function releasedSpec(spec: LeaseSpec, now: number): LeaseSpec {
  return { ...spec, holderIdentity: null, leaseDurationSeconds: 1, renewTime: formatMicroTime(now) };
}

/** The record as a comparable string: any change in holder or times is a renewal to observe. */
export function recordKey(spec: LeaseSpec): string {
  return JSON.stringify([spec.holderIdentity ?? '', spec.leaseDurationSeconds ?? 0, spec.acquireTime ?? '', spec.renewTime ?? '', spec.leaseTransitions ?? 0]);
}

/** Kubernetes MicroTime: RFC 3339 with exactly six fractional digits. */
export function formatMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
