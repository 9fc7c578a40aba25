// The targets to keep filled: either one target from the single-target env
// vars (PCC_SECRET_SET or KUBERNETES_SECRET and friends), or the config
// file's `targets:` list, never a mix. Each target is read on its own and the
// destination rule applied: exactly one of secretSet (a Pipecat Cloud set) or
// kubernetesSecret (a pull Secret), with format and pccRegion only on a secret
// set. AWS_REGION / AWS_DEFAULT_REGION (then the file's top-level awsRegion) is
// the default region for every target.
import { describeSelection, isSelectionForm, readSelection, SELECTION_KEYS } from '../kubernetes/controller/selection.js';
import { readRegistries } from '../kubernetes/controller/registries.js';
import { unknownKeyProblems, type ConfigProblem } from './config-error.js';
import type { SecretFormat, TargetConfig, TargetDestination } from './config.js';
import type { EnvReader } from './read-settings.js';
import { TARGET_ENV, TARGET_KEYS, type TargetKey } from './schema.js';
import { checkTargetValue } from './validate.js';

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
  const firstIndexByName = new Map<string, number>();
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
    const first = firstIndexByName.get(target.name);
    if (first !== undefined) {
      problems.push({
        field: `${prefix}.${target.destination.kind === 'pipecat' ? 'secretSet' : 'kubernetesSecret'}`,
        message: `${JSON.stringify(target.name)} is also used by targets[${first}]: give each target its own ${target.destination.kind === 'pipecat' ? 'secret set' : 'Secret'}`,
      });
      return;
    }
    firstIndexByName.set(target.name, index);
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

export type DefaultRegion = { value: string } | { invalid: true } | undefined;

type Values = Partial<Record<TargetKey, string>>;

export function readTarget(
  raw: (key: TargetKey) => unknown,
  fieldOf: (key: TargetKey) => string,
  defaultRegion: DefaultRegion,
  problems: ConfigProblem[],
  fromEnv: boolean,
): TargetConfig | undefined {
  const before = problems.length;
  const values: Values = {};
  // The cluster-wide form of kubernetesSecret (namespaces, namespaceSelector ...) is read by its own rules.
  const cluster = isSelectionForm(raw('kubernetesSecret')) ? readSelection(raw('kubernetesSecret') as Record<string, unknown>, fieldOf('kubernetesSecret')) : undefined;
  if (cluster) problems.push(...cluster.problems);
  // Several registries in one cluster-wide pull Secret: the first is the target's own mint key.
  const registriesRaw = fromEnv ? undefined : (raw as (key: string) => unknown)('registries');
  const registriesField = fieldOf('registries' as TargetKey);
  const registries = registriesRaw === undefined ? undefined : readRegistries(registriesRaw, registriesField);
  if (registries) {
    problems.push(...registries.problems);
    if (!cluster) {
      problems.push({ field: registriesField, message: 'applies only to a cluster-wide kubernetesSecret target: write kubernetesSecret: { name, namespaces: [<namespace>] } (a Pipecat Cloud set keeps one registry)' });
    }
    for (const key of ['awsRegion', 'registryId', 'roleArn'] as const) {
      if (raw(key) !== undefined) problems.push({ field: fieldOf(key), message: 'give it in each item of registries instead, when registries is used' });
    }
  }
  for (const key of TARGET_KEYS) {
    if (cluster && key === 'kubernetesSecret') continue;
    const value = raw(key);
    if (value === undefined) continue;
    const result = checkTargetValue(key, value);
    if (result.ok) values[key] = result.value;
    else problems.push({ field: fieldOf(key), message: result.message });
  }
  checkDestination(raw, fieldOf, problems, fromEnv);
  if (registries?.registries) Object.assign(values, registries.registries[0]);
  else if (raw('awsRegion') === undefined) {
    if (defaultRegion && 'value' in defaultRegion) values.awsRegion = defaultRegion.value;
    else if (!defaultRegion) {
      problems.push({
        field: fieldOf('awsRegion'),
        message: fromEnv
          ? "required: set AWS_REGION (or AWS_DEFAULT_REGION) to the ECR registry's region, like us-east-1"
          : "required: set the ECR registry's region here, or awsRegion at the top level, or AWS_REGION",
      });
    }
  }
  if (problems.length > before || values.awsRegion === undefined) return undefined;
  return {
    ...(cluster?.selection
      ? { destination: { kind: 'kubernetes-cluster', selection: cluster.selection, ...(registries?.registries && { registries: registries.registries }) }, name: describeSelection(cluster.selection), format: 'image-pull-secret' }
      : destinationOf(values)),
    awsRegion: values.awsRegion,
    ...(values.pccRegion !== undefined && { pccRegion: values.pccRegion }),
    ...(values.registryId !== undefined && { registryId: values.registryId }),
    ...(values.roleArn !== undefined && { roleArn: values.roleArn }),
  };
}

function checkDestination(raw: (key: TargetKey) => unknown, fieldOf: (key: TargetKey) => string, problems: ConfigProblem[], fromEnv: boolean) {
  const hasSet = raw('secretSet') !== undefined;
  const hasSecret = raw('kubernetesSecret') !== undefined;
  if (hasSet && hasSecret) {
    problems.push({
      field: fieldOf('kubernetesSecret'),
      message: `a target has one destination: keep either ${fieldOf('secretSet')} or ${fieldOf('kubernetesSecret')}, and make a second target for the other`,
    });
  } else if (!hasSet && !hasSecret) {
    problems.push({
      field: fieldOf('secretSet'),
      message: fromEnv
        ? 'required: set PCC_SECRET_SET to the secret set to keep filled (or KUBERNETES_SECRET=<namespace>/<name> for a pull Secret), or list targets in a config file (--config / CONFIG_FILE)'
        : 'required: name the secret set this target keeps filled, or give `kubernetesSecret: { namespace, name }`',
    });
  } else if (hasSecret) {
    for (const key of ['format', 'pccRegion'] as const) {
      if (raw(key) === undefined) continue;
      problems.push({
        field: fieldOf(key),
        message: `applies only to a Pipecat Cloud secret set: remove it from this kubernetesSecret target (a pull Secret is always kubernetes.io/dockerconfigjson)`,
      });
    }
  }
}

function destinationOf(values: Values): Pick<TargetConfig, 'destination' | 'name' | 'format'> {
  if (values.kubernetesSecret !== undefined) {
    const [namespace, name] = values.kubernetesSecret.split('/') as [string, string];
    const destination: TargetDestination = { kind: 'kubernetes', namespace, name };
    return { destination, name: values.kubernetesSecret, format: 'image-pull-secret' };
  }
  const secretSet = values.secretSet!;
  return { destination: { kind: 'pipecat', secretSet }, name: secretSet, format: (values.format ?? 'auto') as SecretFormat };
}
