// Reads a table of settings from env vars and the config file: the env var
// wins, then the file key, then the default. Each bad value becomes one
// problem naming where it came from; sources say which were set explicitly.
//
// The one reader of env vars, and the one rule for empty values: a variable
// that is unset, empty or only whitespace counts as unset, so the default
// applies (a chart or compose file that writes `NAME=""` means "not set").
// A required setting given that way is still reported, as empty.
import type { ConfigProblem } from './config-error.js';
import type { Setting } from './schema.js';
import { readSetting } from './validate.js';

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

export interface ReadSettingsResult {
  values: Record<string, unknown>;
  /** Field → the env var or file key it was read from, for settings not left at their default. */
  sources: Map<string, string>;
}

export function readSettings(
  settings: readonly Setting[],
  env: EnvReader,
  file: Record<string, unknown> | undefined,
  problems: ConfigProblem[],
): ReadSettingsResult {
  const values: Record<string, unknown> = {};
  const sources = new Map<string, string>();
  for (const setting of settings) {
    const fromEnv = env.get(setting.env);
    const fromFile = setting.key === undefined ? undefined : fileValue(file, setting.key);
    const [raw, source] =
      fromEnv !== undefined ? [fromEnv, setting.env] : fromFile !== undefined ? [fromFile, setting.key] : [setting.default, undefined];
    if (raw === undefined) continue;
    const result = readSetting(setting, raw);
    if (!result.ok) {
      problems.push({ field: source ?? setting.env, message: result.message });
      continue;
    }
    values[setting.field] = result.value;
    if (source) sources.set(setting.field, source);
  }
  return { values, sources };
}

/** The value at a dotted key path; null (a key written with no value) counts as unset. */
export function fileValue(file: Record<string, unknown> | undefined, path: string): unknown {
  let value: unknown = file;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value ?? undefined;
}
