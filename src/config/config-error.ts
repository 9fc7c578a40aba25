// How the program tells an operator what is wrong with how it was started:
// ConfigError carries every configuration problem found, so all can be fixed
// in one go (exit code 2); UsageError is a bad command line (exit code 2).
// Each problem names the env var or file key and says what to change; keys
// and values nobody knows get a "did you mean …?".
export interface ConfigProblem {
  /** The env var name or the config file key path (`targets[2].secretSet`) the value came from. */
  field: string;
  /** What is wrong and how to fix it. Never contains a secret. */
  message: string;
}

export class ConfigError extends Error {
  readonly code = 'ERR_CONFIG';
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`invalid configuration (${count}):\n${problems.map((p) => `  ${p.field}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Thrown for a bad command line (unknown flag, stray argument). */
export class UsageError extends Error {
  readonly code = 'ERR_USAGE';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}

export interface KnownKeys {
  keys: readonly string[];
  /** Extra advice for keys that are known elsewhere, e.g. an env var name used as a key. */
  hints?: Readonly<Record<string, string>>;
}

/** Rejects keys the config file does not know, so a typo like `secretset` is not silently ignored. */
export function unknownKeyProblems(object: Record<string, unknown>, prefix: string, known: KnownKeys): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const key of Object.keys(object)) {
    if (known.keys.includes(key)) continue;
    const field = `${prefix}${key}`;
    const hint = known.hints?.[key];
    if (hint !== undefined) {
      problems.push({ field, message: hint });
      continue;
    }
    const suggestion = suggestName(key, known.keys);
    problems.push({
      field,
      message: suggestion
        ? `unknown key: did you mean \`${suggestion}\`?`
        : `unknown key: use one of ${known.keys.map((k) => `\`${k}\``).join(', ')}`,
    });
  }
  return problems;
}

/** "Did you mean …?" for misspelt config keys and enum values: the closest candidate: same letters ignoring case, '-' and '_', or within edit distance 3. */
export function suggestName(input: string, candidates: readonly string[]): string | undefined {
  const squash = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  const same = candidates.find((c) => squash(c) === squash(input));
  if (same !== undefined) return same;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = levenshtein(input.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // Short inputs are within 3 edits of almost anything; only suggest a real neighbour.
  return bestDistance <= Math.min(3, Math.floor(input.length / 2)) ? best : undefined;
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
