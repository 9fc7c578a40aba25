// A last line of defence for log output: every line is searched for the secret
// values this process knows (the API key, recently minted tokens in their raw
// and base64 forms) and any hit is replaced before the line is written.
import type { DestinationStream } from 'pino';

export interface SecretScrubber {
  /** A secret kept for the life of the process (the API key). */
  keep(secret: string): void;
  /** A short-lived secret (a token); only the most recent ones are kept. */
  add(secret: string): void;
  scrub(text: string): string;
}

/** Tokens older than the last few hundred have long expired; the set stays bounded. */
const MAX_RECENT = 512;
/** Short strings would redact ordinary words; real secrets are long. */
const MIN_LENGTH = 8;

export function createSecretScrubber(): SecretScrubber {
  const kept = new Set<string>();
  const recent = new Set<string>();
  return {
    keep(secret) {
      if (secret.length >= MIN_LENGTH) kept.add(secret);
    },
    add(secret) {
      if (secret.length < MIN_LENGTH || recent.has(secret)) return;
      recent.add(secret);
      if (recent.size > MAX_RECENT) recent.delete(recent.values().next().value!);
    },
    scrub(text) {
      let out = text;
      for (const secret of kept) if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
      for (const secret of recent) if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
      return out;
    },
  };
}

export function createScrubbingDestination(target: DestinationStream, scrubber: SecretScrubber): DestinationStream {
  return { write: (line: string) => target.write(scrubber.scrub(line)) };
}
