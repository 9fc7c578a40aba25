// The one reader of env vars, and the one rule for empty values: a variable
// that is unset, empty or only whitespace counts as unset, so the default
// applies (a chart or compose file that writes `NAME=""` means "not set").
// A required setting given that way is still reported, as empty.
export type Env = Readonly<Record<string, string | undefined>>;

export interface EnvReader {
  /** The raw value, or undefined when unset or blank. Not trimmed: a key keeps its bytes for checking. */
  get(name: string): string | undefined;
  /** True when the variable is present but blank (to say "is empty" instead of "is not set"). */
  isBlank(name: string): boolean;
}

export function readEnv(env: Env): EnvReader {
  const isBlank = (name: string) => env[name] !== undefined && env[name]!.trim() === '';
  return {
    get: (name) => (env[name] === undefined || isBlank(name) ? undefined : env[name]),
    isBlank,
  };
}
