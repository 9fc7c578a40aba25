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
