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
