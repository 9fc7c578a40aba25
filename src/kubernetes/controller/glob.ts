// Name patterns for namespaces and ServiceAccounts: `*` stands for any run of
// characters (also none), `?` for one; everything else matches itself. A name
// is a DNS-1123 label or subdomain, so a pattern may only hold those
// characters and the two wildcards: anything else could never match, which
// is a typo to report at start-up, not a target that silently selects nothing.
const PATTERN = /^[a-z0-9.*?-]+$/;

/** Undefined when `pattern` is usable, otherwise what is wrong with it and the fix. */
export function globProblem(pattern: string): string | undefined {
  if (pattern.length > 253) return `${JSON.stringify(pattern.slice(0, 40))}… is longer than any name (253 characters)`;
  if (PATTERN.test(pattern)) return undefined;
  return `${JSON.stringify(pattern)} is not a name pattern: use lowercase letters, digits, '-' and '.', with * for any run of characters and ? for one (e.g. "team-*")`;
}

export function matchesGlob(pattern: string, name: string): boolean {
  // Iterative wildcard match: linear in practice, no regular expression built from input.
  let p = 0;
  let n = 0;
  let star = -1;
  let resume = 0;
  while (n < name.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === name[n])) {
      p++;
      n++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = n;
    } else if (star !== -1) {
      p = star + 1;
      n = ++resume;
    } else return false;
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

export function matchesAnyGlob(patterns: readonly string[], name: string): boolean {
  return patterns.some((pattern) => matchesGlob(pattern, name));
}
