// A last line of defence for log output: every line is searched for the secret
// values this process knows (the API key, recently minted tokens in their raw
// and base64 forms) and any hit is replaced before the line is written.
import type { DestinationStream } from 'pino';
import { MIN_SECRET_LENGTH, redactSecrets } from './redact-secrets.js';

export interface SecretScrubber {
  /** A secret kept for the life of the process (the API key). */
  keep(secret: string): void;
  /** A short-lived secret (a token); only the most recent ones are kept. */
  add(secret: string): void;
  scrub(text: string): string;
}

/** Tokens older than the last few hundred have long expired; the set stays bounded. */
const MAX_RECENT = 512;

export function createSecretScrubber(): SecretScrubber {
  const kept = new Set<string>();
  const recent = new Set<string>();
  return {
    keep(secret) {
      if (secret.length >= MIN_SECRET_LENGTH) kept.add(secret);
    },
    add(secret) {
      if (secret.length < MIN_SECRET_LENGTH || recent.has(secret)) return;
      recent.add(secret);
      if (recent.size > MAX_RECENT) recent.delete(recent.values().next().value!);
    },
    scrub(text) {
      return redactSecrets(redactSecrets(text, kept), recent);
    },
  };
}

export function createScrubbingDestination(target: DestinationStream, scrubber: SecretScrubber): DestinationStream {
  return { write: (line: string) => target.write(scrubber.scrub(line)) };
}
