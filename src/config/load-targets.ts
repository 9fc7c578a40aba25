// The targets to keep filled: either one target from the single-target env
// vars (PCC_SECRET_SET or KUBERNETES_SECRET and friends), or the config
// file's `targets:` list, never a mix.
// AWS_REGION / AWS_DEFAULT_REGION (then the file's top-level awsRegion) is the
// default region for every target.
import { SELECTION_KEYS } from '../kubernetes/controller/selection.js';
import type { ConfigProblem } from './config-error.js';
import { checkTargetValue } from './check-target-value.js';
import type { TargetConfig } from './config.js';
import type { EnvReader } from './read-env.js';
import { readTarget, type DefaultRegion } from './read-target.js';
import { TARGET_ENV, TARGET_KEYS } from './target-settings.js';
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
    problems.push({ field: 'targets', message: 'must be a list of targets, each with `secretSet` or `kubernetesSecret` (and `awsRegion` unless set at the top level)' });
    return { targets: [], problems };
  }
  if (list.length === 0) {
    problems.push({ field: 'targets', message: 'the list is empty: add at least one target with `secretSet` or `kubernetesSecret`' });
    return { targets: [], problems };
  }

  return { targets: readTargetList(list, defaultRegion, problems), problems };
}

/** The items of `targets:`, each read on its own; a destination used twice is refused. */
function readTargetList(list: unknown[], defaultRegion: DefaultRegion, problems: ConfigProblem[]): TargetConfig[] {
  const targets: TargetConfig[] = [];
  const firstIndexBySet = new Map<string, number>();
  list.forEach((item: unknown, index) => {
    const prefix = `targets[${index}]`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problems.push({ field: prefix, message: 'must be a mapping with keys like `secretSet`, `awsRegion`, `format`' });
      return;
    }
    const entry = item as Record<string, unknown>;
    problems.push(...unknownKeyProblems(entry, `${prefix}.`, { keys: [...TARGET_KEYS, 'registries'], hints: TARGET_HINTS }));
    const place = entry.kubernetesSecret;
    if (place !== null && typeof place === 'object' && !Array.isArray(place)) {
      problems.push(...unknownKeyProblems(place as Record<string, unknown>, `${prefix}.kubernetesSecret.`, { keys: ['namespace', 'name', ...SELECTION_KEYS] }));
    }
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
        field: `${prefix}.${target.destination.kind === 'pipecat' ? 'secretSet' : 'kubernetesSecret'}`,
        message: `${JSON.stringify(target.secretSet)} is also used by targets[${first}]: give each target its own ${target.destination.kind === 'pipecat' ? 'secret set' : 'Secret'}`,
      });
      return;
    }
    firstIndexBySet.set(target.secretSet, index);
    targets.push(target);
  });
  return targets;
}


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

/**
 * Whether some target is (or, while the targets have problems, may be) a
 * Pipecat Cloud set, which is what needs PCC_API_KEY. Judged from the raw input
 * so that a broken Pipecat target still reports a missing key.
 */
export function needsApiKey(env: EnvReader, file: Record<string, unknown> | undefined): boolean {
  const list = file?.targets;
  if (list === undefined || list === null) return env.get(TARGET_ENV.kubernetesSecret) === undefined || env.get(TARGET_ENV.secretSet) !== undefined;
  if (!Array.isArray(list) || list.length === 0) return true;
  return list.some((item) => item === null || typeof item !== 'object' || (item as Record<string, unknown>).kubernetesSecret == null);
}
