// The secret sets to keep filled: either one target from the PCC_SECRET_SET
// family of env vars, or the config file's `targets:` list, never a mix.
// AWS_REGION / AWS_DEFAULT_REGION (then the file's top-level awsRegion) is the
// default region for every target.
import type { ConfigProblem } from './config-error.js';
import { checkTargetValue } from './check-target-value.js';
import type { SecretFormat, TargetConfig } from './config.js';
import type { EnvReader } from './read-env.js';
import { TARGET_ENV, TARGET_KEYS, type TargetKey } from './target-settings.js';
import { unknownKeyProblems } from './unknown-key-problems.js';

const TARGET_HINTS = {
  apiKey: 'keep the key out of the config file: use PCC_API_KEY or apiKeyFile (one key serves every target)',
};

export interface LoadTargetsOptions {
  env: EnvReader;
  /** The parsed config file's top level, if there is a file. */
  file?: Record<string, unknown>;
}

export function loadTargets({ env, file }: LoadTargetsOptions): { targets: TargetConfig[]; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const envValue = env.get;
  const defaultRegion = readDefaultRegion(envValue, file, problems);

  if (file?.targets === undefined || file.targets === null) {
    const target = readTarget(
      (key) => (key === 'awsRegion' ? undefined : envValue(TARGET_ENV[key])),
      (key) => (key === 'awsRegion' ? 'AWS_REGION' : TARGET_ENV[key]),
      defaultRegion,
      problems,
      true,
    );
    return { targets: target ? [target] : [], problems };
  }

  for (const [key, name] of Object.entries(TARGET_ENV)) {
    if (envValue(name) !== undefined) {
      problems.push({
        field: name,
        message: `is set but the config file has a targets list: set targets in one place, as \`${key}\` in the file's targets or with the env vars alone`,
      });
    }
  }

  const list = file.targets;
  if (!Array.isArray(list)) {
    problems.push({ field: 'targets', message: 'must be a list of targets, each with at least `secretSet` (and `awsRegion` unless set at the top level)' });
    return { targets: [], problems };
  }
  if (list.length === 0) {
    problems.push({ field: 'targets', message: 'the list is empty: add at least one target with `secretSet`' });
    return { targets: [], problems };
  }

  const targets: TargetConfig[] = [];
  const firstIndexBySet = new Map<string, number>();
  list.forEach((item: unknown, index) => {
    const prefix = `targets[${index}]`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problems.push({ field: prefix, message: 'must be a mapping with keys like `secretSet`, `awsRegion`, `format`' });
      return;
    }
    const entry = item as Record<string, unknown>;
    problems.push(...unknownKeyProblems(entry, `${prefix}.`, { keys: TARGET_KEYS, hints: TARGET_HINTS }));
    const target = readTarget(
      (key) => (entry[key] === null ? undefined : entry[key]),
      (key) => `${prefix}.${key}`,
      defaultRegion,
      problems,
      false,
    );
    if (!target) return;
    const first = firstIndexBySet.get(target.secretSet);
    if (first !== undefined) {
      problems.push({
        field: `${prefix}.secretSet`,
        message: `${JSON.stringify(target.secretSet)} is also used by targets[${first}]: give each target its own secret set`,
      });
      return;
    }
    firstIndexBySet.set(target.secretSet, index);
    targets.push(target);
  });
  return { targets, problems };
}

type DefaultRegion = { value: string } | { invalid: true } | undefined;

function readDefaultRegion(
  envValue: (name: string) => string | undefined,
  file: Record<string, unknown> | undefined,
  problems: ConfigProblem[],
): DefaultRegion {
  const source =
    envValue('AWS_REGION') !== undefined
      ? { field: 'AWS_REGION', raw: envValue('AWS_REGION') as unknown }
      : envValue('AWS_DEFAULT_REGION') !== undefined
        ? { field: 'AWS_DEFAULT_REGION', raw: envValue('AWS_DEFAULT_REGION') as unknown }
        : file?.awsRegion !== undefined && file.awsRegion !== null
          ? { field: 'awsRegion', raw: file.awsRegion }
          : undefined;
  if (!source) return undefined;
  const result = checkTargetValue('awsRegion', source.raw);
  if (!result.ok) {
    problems.push({ field: source.field, message: result.message });
    return { invalid: true };
  }
  return { value: result.value };
}

function readTarget(
  raw: (key: TargetKey) => unknown,
  fieldOf: (key: TargetKey) => string,
  defaultRegion: DefaultRegion,
  problems: ConfigProblem[],
  fromEnv: boolean,
): TargetConfig | undefined {
  let ok = true;
  const values: Partial<Record<TargetKey, string>> = {};
  for (const key of TARGET_KEYS) {
    const value = raw(key);
    if (value === undefined) continue;
    const result = checkTargetValue(key, value);
    if (result.ok) values[key] = result.value;
    else {
      problems.push({ field: fieldOf(key), message: result.message });
      ok = false;
    }
  }
  if (raw('secretSet') === undefined) {
    problems.push({
      field: fieldOf('secretSet'),
      message: fromEnv
        ? 'required: set PCC_SECRET_SET to the secret set to keep filled, or list targets in a config file (--config / CONFIG_FILE)'
        : 'required: name the secret set this target keeps filled',
    });
    ok = false;
  }
  if (raw('awsRegion') === undefined) {
    if (defaultRegion && 'value' in defaultRegion) values.awsRegion = defaultRegion.value;
    else if (!defaultRegion) {
      problems.push({
        field: fieldOf('awsRegion'),
        message: fromEnv
          ? "required: set AWS_REGION (or AWS_DEFAULT_REGION) to the ECR registry's region, like us-east-1"
          : "required: set the ECR registry's region here, or awsRegion at the top level, or AWS_REGION",
      });
      ok = false;
    } else ok = false;
  }
  if (!ok) return undefined;
  return {
    secretSet: values.secretSet!,
    format: (values.format ?? 'auto') as SecretFormat,
    awsRegion: values.awsRegion!,
    ...(values.pccRegion !== undefined && { pccRegion: values.pccRegion }),
    ...(values.registryId !== undefined && { registryId: values.registryId }),
    ...(values.roleArn !== undefined && { roleArn: values.roleArn }),
  };
}
