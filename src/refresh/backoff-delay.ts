// Capped exponential backoff with full jitter: a random delay between zero and
// min(max, initial * 2^attempt). Retry-After, when the server sends one, is a
// floor. How the daemon bounds it by the live token's expiry, and the floor
// of every daemon retry, are in target-transitions.ts.
export interface BackoffOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  random?: () => number;
}

export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  hints: { retryAfterMs?: number } = {},
): number {
  const random = options.random ?? Math.random;
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.min(attempt, 30));
  let delay = Math.round(random() * ceiling);
  if (hints.retryAfterMs !== undefined) delay = Math.max(delay, Math.min(hints.retryAfterMs, options.maxDelayMs));
  return Math.max(delay, 1);
}
