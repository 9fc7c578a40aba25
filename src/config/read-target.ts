// Reads one target from raw values (the env's single-target form or an item
// of `targets:`) and applies the destination rule: exactly one of secretSet
// (a Pipecat Cloud set) or kubernetesSecret (a pull Secret), with format and
// pccRegion only on a secret set.
import { checkTargetValue } from './check-target-value.js';
import type { ConfigProblem } from './config-error.js';
import type { SecretFormat, TargetConfig, TargetDestination } from './config.js';
import { TARGET_KEYS, type TargetKey } from './target-settings.js';
import { describeSelection, isSelectionForm, readSelection } from '../kubernetes/controller/selection.js';
import { readRegistries } from '../kubernetes/controller/registries.js';

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
      ? { destination: { kind: 'kubernetes-cluster', selection: cluster.selection, ...(registries?.registries && { registries: registries.registries }) }, secretSet: describeSelection(cluster.selection), format: 'image-pull-secret' }
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

function destinationOf(values: Values): Pick<TargetConfig, 'destination' | 'secretSet' | 'format'> {
  if (values.kubernetesSecret !== undefined) {
    const [namespace, name] = values.kubernetesSecret.split('/') as [string, string];
    const destination: TargetDestination = { kind: 'kubernetes', namespace, name };
    return { destination, secretSet: values.kubernetesSecret, format: 'image-pull-secret' };
  }
  const secretSet = values.secretSet!;
  return { destination: { kind: 'pipecat', secretSet }, secretSet, format: (values.format ?? 'auto') as SecretFormat };
}
