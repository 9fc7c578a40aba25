// A bearer token kept in a file. Projected service-account tokens are
// rewritten by the kubelet before they expire, so the file is read again
// once it is a minute old (as client-go does); a failed re-read keeps the last
// good token rather than failing calls that it would still authorise.
import type { Clock } from '../../schedule/clock.js';
import { ConfigError } from '../../config/config-error.js';

export const TOKEN_REREAD_MS = 60_000;

export function createFileTokenSource(deps: {
  path: string;
  /** The setting that pointed at the file, for the error. */
  field: string;
  readText: (path: string) => string;
  clock: Clock;
  maxAgeMs?: number;
}): () => string {
  const maxAge = deps.maxAgeMs ?? TOKEN_REREAD_MS;
  const read = () => deps.readText(deps.path).trim();
  let token: string;
  try {
    token = read();
  } catch (error) {
    throw new ConfigError([{ field: deps.field, message: `the token file ${deps.path} cannot be read (${(error as { code?: string }).code ?? 'error'})` }]);
  }
  if (!token) throw new ConfigError([{ field: deps.field, message: `the token file ${deps.path} is empty` }]);
  let readAt = deps.clock.now();

  return () => {
    if (deps.clock.now() - readAt < maxAge) return token;
    readAt = deps.clock.now();
    try {
      const fresh = read();
      if (fresh) token = fresh;
    } catch {
      // The kubelet swaps the file atomically; a miss now is retried next minute.
    }
    return token;
  };
}
