// Capped exponential backoff with full jitter: a random delay between zero and
// min(max, initial * 2^attempt). Retry-After, when the server sends one, is a
// floor. A retry is never put off past the moment the live token expires.
export interface BackoffOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  random?: () => number;
}

export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  hints: { retryAfterMs?: number; msUntilExpiry?: number } = {},
): number {
  const random = options.random ?? Math.random;
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.min(attempt, 30));
  let delay = Math.round(random() * ceiling);
  if (hints.retryAfterMs !== undefined) delay = Math.max(delay, Math.min(hints.retryAfterMs, options.maxDelayMs));
  if (hints.msUntilExpiry !== undefined && hints.msUntilExpiry > 0) {
    // Leave room for several more tries before the token in the secret dies.
    delay = Math.min(delay, Math.max(options.initialDelayMs, Math.floor(hints.msUntilExpiry / 4)));
  }
  return Math.max(delay, 1);
}
