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
