// The Lease rules of leader election, in one file a reviewer can check in one
// sitting: all pure functions of what was read and when. In order: which
// Lease write to make (decideLease, after client-go), when a holder's lease
// began on our clock (leaseStartsAt) and how far a renewTime may be trusted
// (renewTimeToleranceMs), when this replica leads (afterAttempt,
// afterDeadline), and when it looks next (nextLookInMs). The elector
// (create-leader-elector.ts) only carries these decisions out.

// --- decide lease ---
// The Lease rules of client-go's leader election, as pure functions: given
// the Lease as read now and what this replica saw before, should it take the
// Lease, renew it, or wait for its holder? Expiry is judged on *our* clock:
// the holder's renewTime plus its duration when that renewTime agrees with
// when we first saw it, else our sighting plus the duration (leaseStartsAt),
// so clock skew between replicas cannot make two leaders.

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

// --- lease starts at ---
// When a holder's lease began, on this replica's clock. The Lease's own
// renewTime is the true moment of the last renewal, but it was written by
// another machine's clock; the moment we first saw that record is on ours, but
// late by however long the record sat before our look. So the renewTime is
// trusted only when it agrees with our sighting — not after it, and not more
// than `toleranceMs` before it. A renewTime outside that window means the
// clocks disagree, and we fall back to the sighting, as client-go does: it is
// never earlier than the real renewal, so no skew can end a live lease early.
export function leaseStartsAt(input: { renewTime: string | null | undefined; observedAt: number; toleranceMs: number }): number {
  const renewedAt = input.renewTime ? Date.parse(input.renewTime) : Number.NaN;
  if (Number.isNaN(renewedAt)) return input.observedAt;
  const lag = input.observedAt - renewedAt;
  return lag >= 0 && lag <= input.toleranceMs ? renewedAt : input.observedAt;
}

// --- renew time tolerance ---
// How far before our first sighting a holder's renewTime may lie and still be
// trusted (see leaseStartsAt). A healthy holder renews every retry period, so a
// standby sees each renewal at most about one retry period late, plus the
// request's time: a retry period and a second covers that. But a renewTime we
// trust may come from a clock behind ours by up to the tolerance, and every
// millisecond of that is taken from the gap between the holder giving up
// (renew deadline) and a standby taking over (lease duration). Capping the
// tolerance at half that gap keeps at least half of it in every case.
export function renewTimeToleranceMs(settings: { leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number }): number {
  return Math.min(settings.retryPeriodMs + 1000, Math.floor((settings.leaseDurationMs - settings.renewDeadlineMs) / 2));
}

// --- next leader state ---
// When this replica leads, as a pure function of what its Lease attempts
// returned. A leader keeps leading only while its last successful renewal
// *started* less than the renew deadline ago. Others count the lease from
// the renewTime it wrote (later than that start) or from when they saw it
// (later still); a renewTime is trusted only from a clock at most half of
// (leaseDuration - renewDeadline) behind theirs, so with renewDeadline <
// leaseDuration we stop writing before anyone else may start. A renewal
// that comes back after its own deadline (a slow answer, a stalled process)
// is worth nothing: that leadership is not taken up, or ends. The times are
// read from a monotonic clock.
export interface LeaderState {
  leading: boolean;
  /** While leading: the moment leadership lapses unless a renewal succeeds first. */
  deadlineAt?: number;
}

export type LeaseAttempt = 'acquired' | 'held-by-other' | 'failed';
export type LeaderChange = 'started' | 'stopped' | undefined;

export function afterAttempt(
  state: LeaderState,
  attempt: { outcome: LeaseAttempt; startedAt: number; now: number; renewDeadlineMs: number },
): { state: LeaderState; change: LeaderChange } {
  if (attempt.outcome === 'acquired') {
    const deadlineAt = attempt.startedAt + attempt.renewDeadlineMs;
    if (attempt.now >= deadlineAt) return { state: { leading: false }, change: state.leading ? 'stopped' : undefined };
    return { state: { leading: true, deadlineAt }, change: state.leading ? undefined : 'started' };
  }
  // Someone else holds it: whatever we believed, we are not the leader.
  if (attempt.outcome === 'held-by-other') return { state: { leading: false }, change: state.leading ? 'stopped' : undefined };
  return afterDeadline(state, attempt.now);
}

/** A failed renewal, or the deadline timer firing, ends leadership only once the deadline has passed. */
export function afterDeadline(state: LeaderState, now: number): { state: LeaderState; change: LeaderChange } {
  if (state.leading && state.deadlineAt !== undefined && now >= state.deadlineAt) return { state: { leading: false }, change: 'stopped' };
  return { state, change: undefined };
}

// --- next look in ms ---
// When an elector next tries the Lease. A leader renews every retry period.
// Standbys spread their looks a little so they do not move in lockstep, but
// one whose holder's lease runs out sooner looks at that very moment.
export function nextLookInMs(input: {
  leading: boolean;
  retryPeriodMs: number;
  /** While another holds the Lease: when its lease runs out. */
  heldUntil: number | undefined;
  now: number;
  /** Draws in [0, 1); drawn only for a standby. */
  random: () => number;
}): number {
  if (input.leading) return input.retryPeriodMs;
  const jittered = input.retryPeriodMs * (1 + 0.2 * input.random());
  return input.heldUntil === undefined ? jittered : Math.min(jittered, Math.max(0, input.heldUntil - input.now));
}
