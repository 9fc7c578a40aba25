// Looks for secrets in captured output: each secret whole, and, for long ones,
// any piece of 48 characters, so a secret cut short by a message length limit
// (and so missed by an exact-match scrubber) is still found.
export interface KnownSecret {
  /** What the secret is, for the failure message (never the value). */
  label: string;
  value: string;
}

const PIECE = 48;

export function findSecretLeaks(text: string, secrets: readonly KnownSecret[]): string[] {
  const found: string[] = [];
  for (const { label, value } of secrets) {
    if (text.includes(value)) {
      found.push(`${label} (whole)`);
      continue;
    }
    if (value.length <= PIECE) continue;
    // Pieces every PIECE/2 characters: any leaked run of 1.5 x PIECE or more contains one.
    for (let start = 0; start + PIECE <= value.length; start += PIECE / 2) {
      if (text.includes(value.slice(start, start + PIECE))) {
        found.push(`${label} (a ${PIECE}-character piece from offset ${start})`);
        break;
      }
    }
  }
  return found;
}
