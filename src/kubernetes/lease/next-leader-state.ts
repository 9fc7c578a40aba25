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
