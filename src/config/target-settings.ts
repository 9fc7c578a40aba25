// The keys of one target, with the env var of the single-target form. A
// target has exactly one destination: `secretSet` (a Pipecat Cloud secret
// set) or `kubernetesSecret` (a pull Secret in a cluster). awsRegion has no
// env var of its own here: AWS_REGION is the default of every target.
export interface TargetSetting {
  key: string;
  /** Env var of the single-target form. */
  env?: string;
  default?: string;
  help: string;
  /** Only meaningful for this destination. */
  only?: 'secretSet';
}

export const TARGET_SETTINGS = [
  { key: 'secretSet', env: 'PCC_SECRET_SET', help: 'Pipecat Cloud secret set to keep filled (or kubernetesSecret)' },
  { key: 'kubernetesSecret', env: 'KUBERNETES_SECRET', help: 'pull Secret to keep filled: {namespace, name}; env namespace/name' },
  { key: 'format', env: 'PCC_SECRET_FORMAT', default: 'auto', only: 'secretSet', help: 'auto, triplet or image-pull-secret' },
  { key: 'pccRegion', env: 'PCC_REGION', only: 'secretSet', help: 'Pipecat Cloud region of the set' },
  { key: 'awsRegion', help: 'ECR region of this target (default: AWS_REGION / awsRegion)' },
  { key: 'registryId', env: 'ECR_REGISTRY_ID', default: "caller's account", help: '12-digit account id of the registry' },
  { key: 'roleArn', env: 'ECR_ROLE_ARN', help: 'IAM role to assume before minting' },
] as const satisfies readonly TargetSetting[];

export type TargetKey = (typeof TARGET_SETTINGS)[number]['key'];

export const TARGET_KEYS: readonly TargetKey[] = TARGET_SETTINGS.map((s) => s.key);

/** Env vars of the single-target form, by target key. */
export const TARGET_ENV = Object.fromEntries(
  TARGET_SETTINGS.flatMap((s) => ('env' in s ? [[s.key, s.env]] : [])),
) as Readonly<Record<Exclude<TargetKey, 'awsRegion'>, string>>;
