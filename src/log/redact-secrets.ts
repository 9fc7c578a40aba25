// The one redaction rule: every occurrence of a known secret becomes
// [REDACTED]. Short strings are never treated as secrets, so that ordinary
// words are not blanked out; real secrets are long.
export const MIN_SECRET_LENGTH = 8;

export function redactSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH && out.includes(secret)) out = out.split(secret).join('[REDACTED]');
  }
  return out;
}
