// The declarative schema of every setting the program reads: env var, config
// file key(s), default and meaning, grouped as the reference shows them. It is
// assembled from the tables loadConfig validates with, so --help, the
// configuration reference (docs/configuration.md) and the chart's key list
// are rendered from or checked against what the code really reads.
//
// Empty values (one rule, see read-env.ts): an env var that is empty or only
// whitespace counts as unset, and so does a file key written with no value.
import { KUBERNETES_SETTINGS, LEADER_ELECTION_SETTINGS } from './kubernetes-settings.js';
import type { Setting } from './setting.js';
import { SETTINGS } from './settings.js';
import { TARGET_SETTINGS } from './target-settings.js';

export type SettingGroup = 'credentials' | 'targets' | 'behaviour' | 'kubernetes' | 'others';

export interface SchemaEntry {
  /** Env var, if the setting has one. */
  env?: string;
  /** Other env vars read for the same setting, in order after `env`. */
  aliases?: readonly string[];
  /** Config file key paths (`targets[].secretSet`); empty when the setting is env-only. */
  keys: readonly string[];
  default?: string;
  required?: boolean;
  help: string;
  group: SettingGroup;
}

export const SETTING_GROUPS: Readonly<Record<SettingGroup, string>> = {
  credentials: 'Credentials and the config file',
  targets: 'Targets (one with env vars; several as a `targets:` list in the file)',
  behaviour: 'Behaviour',
  kubernetes: 'Kubernetes: leader election and the API server',
  others: 'Read by the AWS SDK and the HTTP client, not validated here',
};

const fromTable = (group: SettingGroup) => (s: Setting): SchemaEntry => ({
  env: s.env,
  keys: s.key === undefined ? [] : [s.key],
  ...(s.default !== undefined && { default: s.default }),
  help: s.help,
  group,
});

export const SETTING_SCHEMA: readonly SchemaEntry[] = [
  { env: 'PCC_API_KEY', keys: [], required: true, help: 'Pipecat Cloud private API key, needed when a target is a secret set; never in the file', group: 'credentials' },
  { env: 'PCC_API_KEY_FILE', keys: ['apiKeyFile'], help: 'file holding the key (one trailing newline ignored), instead of PCC_API_KEY', group: 'credentials' },
  { env: 'CONFIG_FILE', keys: [], help: 'YAML or JSON config file (--config wins)', group: 'credentials' },
  ...TARGET_SETTINGS.filter((s) => s.key !== 'awsRegion').map(
    (s): SchemaEntry => ({
      ...('env' in s && { env: s.env }),
      keys: [`targets[].${s.key}`],
      ...('default' in s && { default: s.default }),
      ...((s.key === 'secretSet' || s.key === 'kubernetesSecret') && { required: true }),
      help: s.help,
      group: 'targets',
    }),
  ),
  {
    env: 'AWS_REGION',
    aliases: ['AWS_DEFAULT_REGION'],
    keys: ['awsRegion', 'targets[].awsRegion'],
    required: true,
    help: 'ECR region (AWS_DEFAULT_REGION also read); the default of every target',
    group: 'targets',
  },
  ...SETTINGS.map(fromTable('behaviour')),
  ...LEADER_ELECTION_SETTINGS.map(fromTable('kubernetes')),
  ...KUBERNETES_SETTINGS.map(fromTable('kubernetes')),
  { env: 'AWS_ENDPOINT_URL_ECR', keys: [], help: "the AWS SDK's endpoint override (VPC endpoints, test doubles)", group: 'others' },
  { env: 'AWS_ACCESS_KEY_ID', aliases: ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'], keys: [], help: 'static AWS credentials, one link of the SDK credential chain', group: 'others' },
  { env: 'HTTPS_PROXY', aliases: ['HTTP_PROXY', 'NO_PROXY'], keys: [], help: 'forward proxy (either case) for the secrets API, webhook and Pushgateway', group: 'others' },
];

/** Every env var name the schema knows, aliases included. */
export const SCHEMA_ENV_NAMES: readonly string[] = SETTING_SCHEMA.flatMap((e) => [...(e.env ? [e.env] : []), ...(e.aliases ?? [])]);

/** Every config file key path the schema knows. */
export const SCHEMA_FILE_KEYS: readonly string[] = SETTING_SCHEMA.flatMap((e) => e.keys);
