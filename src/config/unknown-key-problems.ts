// Rejects keys the config file does not know, with a "did you mean" so a typo
// like `secretset` is not silently ignored.
import type { ConfigProblem } from './config-error.js';
import { suggestName } from './suggest-name.js';

export interface KnownKeys {
  keys: readonly string[];
  /** Extra advice for keys that are known elsewhere, e.g. an env var name used as a key. */
  hints?: Readonly<Record<string, string>>;
}

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
