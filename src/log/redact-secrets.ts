// The one redaction rule: every occurrence of a known secret becomes
// [REDACTED]. Short strings are never treated as secrets, so that ordinary
// words are not blanked out; real secrets are long. The longest go first, so
// that a secret holding another (a stored document holding a token) is
// removed whole rather than cut around the smaller one.
export const MIN_SECRET_LENGTH = 8;

export function redactSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length >= MIN_SECRET_LENGTH && out.includes(secret)) out = out.split(secret).join('[REDACTED]');
  }
  return out;
}

/**
 * A long base64 run in a server's reply is a credential or a piece of one (an
 * echoed value cut by a length limit slips past the exact match above); it never
 * helps an operator, so replies quoted in errors pass through this too.
 */
const SECRET_LIKE = /[A-Za-z0-9+/]{32,}={0,2}/g;

export function redactSecretLike(text: string): string {
  return text.replace(SECRET_LIKE, '[REDACTED]');
}
