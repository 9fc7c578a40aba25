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
  /** A secret that replaces the earlier ones of its kind (a rotating service-account token); the last few of each kind are kept. */
  rotate(kind: string, secret: string): void;
  scrub(text: string): string;
}

/** Tokens older than the last few hundred have long expired; the set stays bounded. */
const MAX_RECENT = 512;
/** A rotated-out credential stays valid for a while after its successor appears. */
const MAX_ROTATED = 3;

export function createSecretScrubber(): SecretScrubber {
  const kept = new Set<string>();
  const recent = new Set<string>();
  const rotating = new Map<string, string[]>();
  // Rebuilt only when a secret is learnt: log lines are many, new secrets few.
  let all: string[] | undefined;
  return {
    keep(secret) {
      if (secret.length >= MIN_SECRET_LENGTH) kept.add(secret);
      all = undefined;
    },
    add(secret) {
      if (secret.length < MIN_SECRET_LENGTH || recent.has(secret)) return;
      recent.add(secret);
      if (recent.size > MAX_RECENT) recent.delete(recent.values().next().value!);
      all = undefined;
    },
    rotate(kind, secret) {
      if (secret.length < MIN_SECRET_LENGTH) return;
      const values = (rotating.get(kind) ?? []).filter((value) => value !== secret);
      rotating.set(kind, [...values, secret].slice(-MAX_ROTATED));
      all = undefined;
    },
    scrub(text) {
      // Sorted longest first once here; redactSecrets' own sort then finds it in order.
      all ??= [...kept, ...[...rotating.values()].flat(), ...recent].sort((a, b) => b.length - a.length);
      return redactSecrets(text, all);
    },
  };
}

export function createScrubbingDestination(target: DestinationStream, scrubber: SecretScrubber): DestinationStream {
  return { write: (line: string) => target.write(scrubber.scrub(line)) };
}
