// The one declarative schema of every setting the program reads: env var,
// config file key(s), default, how the value is checked and what it means,
// grouped as the reference shows them. loadConfig reads and validates with
// these tables, and --help, the configuration reference (docs/configuration.md)
// and the chart's key list are rendered from or checked against them, so the
// documented name and default are the real ones.
//
// Empty values (one rule, see read-settings.ts): an env var that is empty or
// only whitespace counts as unset, and so does a file key written with no value.

// ---- The shape of one validated setting: tables of these drive loading.
interface BaseSetting {
  /** Config file key path, dotted for nested keys (`leaderElection.leaseName`); absent for env-only settings. */
  key?: string;
  env: string;
  /** Field of the loaded object the value goes to. */
  field: string;
  /** Default as written in env/file; absent for optional settings. */
  default?: string;
  help: string;
}

export type Setting = BaseSetting &
  (
    | { kind: 'url' | 'cron' | 'log-level' | 'boolean' | 'path' | 'dns-label' | 'dns-subdomain' }
    | { kind: 'text'; example: string }
    | { kind: 'integer'; min: number; max: number }
    | {
        kind: 'duration';
        /** Problem with an in-range-of-setTimeout duration, or undefined. */
        check?: (ms: number) => string | undefined;
      }
  );

// ---- Behaviour settings, from an env var or the config file.
/** ECR authorization tokens live 12 hours. */
export const TOKEN_LIFETIME_MS = 12 * 3_600_000;

const positive = (example: string) => (ms: number) => (ms <= 0 ? `must be longer than 0: use a duration like ${example}` : undefined);

export const SETTINGS: readonly Setting[] = [
  { key: 'apiUrl', env: 'PCC_API_URL', kind: 'url', field: 'apiUrl', default: 'https://api.pipecat.daily.co/v1', help: 'Pipecat Cloud API base URL; https (plain http only to 127.0.0.1, ::1 or localhost)' },
  { key: 'schedule', env: 'REFRESH_SCHEDULE', kind: 'cron', field: 'schedule', default: '0 */6 * * *', help: 'cron expression for scheduled refreshes' },
  {
    key: 'scheduleJitter',
    env: 'REFRESH_JITTER',
    kind: 'duration',
    field: 'scheduleJitterMs',
    default: '0s',
    help: 'random delay added to each scheduled run',
    check: (ms) => (ms >= 3_600_000 ? 'must be less than 1h: a longer delay eats into the token lifetime' : undefined),
  },
  {
    key: 'refreshMargin',
    env: 'REFRESH_MARGIN',
    kind: 'duration',
    field: 'refreshMarginMs',
    default: '4h',
    help: 'refresh at once when less than this is left on the token',
    check: (ms) =>
      ms <= 0 || ms >= TOKEN_LIFETIME_MS
        ? 'must be longer than 0 and shorter than 12h (the ECR token lifetime): use e.g. 4h'
        : undefined,
  },
  { key: 'confirmTimeout', env: 'CONFIRM_TIMEOUT', kind: 'duration', field: 'confirmTimeoutMs', default: '2m', help: 'how long to wait for the secret set to be ready after a PUT', check: positive('30s') },
  { key: 'requestTimeout', env: 'REQUEST_TIMEOUT', kind: 'duration', field: 'requestTimeoutMs', default: '15s', help: 'timeout of each HTTP request', check: positive('30s') },
  { key: 'pushConcurrency', env: 'PUSH_CONCURRENCY', kind: 'integer', field: 'pushConcurrency', min: 1, max: 100, default: '8', help: 'parallel pushes to the secrets API' },
  { key: 'retryInitialDelay', env: 'RETRY_INITIAL_DELAY', kind: 'duration', field: 'retryInitialDelayMs', default: '5s', help: 'first retry delay after a failure', check: positive('30s') },
  { key: 'retryMaxDelay', env: 'RETRY_MAX_DELAY', kind: 'duration', field: 'retryMaxDelayMs', default: '15m', help: 'longest retry delay (exponential backoff)', check: positive('30s') },
  { key: 'metricsPort', env: 'METRICS_PORT', kind: 'integer', field: 'metricsPort', min: 0, max: 65535, default: '9102', help: 'port for /metrics, /healthz, /readyz (0 = any free port)' },
  { key: 'metricsHost', env: 'METRICS_HOST', kind: 'text', example: '0.0.0.0 or 127.0.0.1', field: 'metricsHost', default: '0.0.0.0', help: 'listen address of the metrics server' },
  { key: 'logLevel', env: 'LOG_LEVEL', kind: 'log-level', field: 'logLevel', default: 'info', help: 'fatal, error, warn, info, debug, trace or silent' },
  { key: 'pushgatewayUrl', env: 'PUSHGATEWAY_URL', kind: 'url', field: 'pushgatewayUrl', help: 'with --once: push metrics here at the end (a user:password@ is sent as basic auth)' },
  {
    key: 'pushgatewayAuthFile',
    env: 'PUSHGATEWAY_AUTH_FILE',
    kind: 'path',
    field: 'pushgatewayAuthFile',
    help: 'file holding the Pushgateway basic auth, user:password (one trailing newline ignored)',
  },
  { key: 'alertWebhookUrl', env: 'ALERT_WEBHOOK_URL', kind: 'url', field: 'alertWebhookUrl', help: 'Slack-compatible webhook for at-risk and recovered events' },
  { key: 'shutdownTimeout', env: 'SHUTDOWN_TIMEOUT', kind: 'duration', field: 'shutdownTimeoutMs', default: '30s', help: 'how long to let a refresh in flight finish on SIGTERM/SIGINT', check: positive('30s') },
];

// ---- The keys of one target, with the env var of the single-target form. A
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

// ---- Kubernetes: leader election (a coordination.k8s.io Lease, so that of
// several replicas only one refreshes) and how to reach the API server.
// Namespaces and the identity left unset here are resolved at run time
// (POD_NAMESPACE, the service account's namespace file, the hostname).

export const LEADER_ELECTION_SETTINGS: readonly Setting[] = [
  { key: 'leaderElection.enabled', env: 'LEADER_ELECTION', kind: 'boolean', field: 'enabled', default: 'false', help: 'hold a Lease so that only one replica refreshes (daemon only)' },
  { key: 'leaderElection.namespace', env: 'LEADER_ELECTION_NAMESPACE', kind: 'dns-label', field: 'namespace', help: "namespace of the Lease; default POD_NAMESPACE, else the pod's own" },
  { key: 'leaderElection.leaseName', env: 'LEADER_ELECTION_LEASE_NAME', kind: 'dns-subdomain', field: 'leaseName', default: 'ecr-token-refresher', help: 'name of the Lease' },
  { key: 'leaderElection.leaseDuration', env: 'LEADER_ELECTION_LEASE_DURATION', kind: 'duration', field: 'leaseDurationMs', default: '15s', help: 'how long a standby waits before taking over', check: positive('2s') },
  { key: 'leaderElection.renewDeadline', env: 'LEADER_ELECTION_RENEW_DEADLINE', kind: 'duration', field: 'renewDeadlineMs', default: '10s', help: 'the leader stops writing when it cannot renew for this long', check: positive('2s') },
  { key: 'leaderElection.retryPeriod', env: 'LEADER_ELECTION_RETRY_PERIOD', kind: 'duration', field: 'retryPeriodMs', default: '2s', help: 'how often to try to acquire or renew the Lease', check: positive('2s') },
];

export const KUBERNETES_SETTINGS: readonly Setting[] = [
  { env: 'KUBECONFIG', kind: 'path', field: 'kubeconfig', help: 'kubeconfig file for the API server; unset = in-cluster' },
  {
    env: 'KUBERNETES_SERVICE_ACCOUNT_DIR',
    kind: 'path',
    field: 'serviceAccountDir',
    default: '/var/run/secrets/kubernetes.io/serviceaccount',
    help: 'in-cluster token, ca.crt and namespace files',
  },
  { env: 'KUBERNETES_QPS', kind: 'integer', field: 'qps', min: 1, max: 1000, default: '20', help: 'API requests a second, on average (client-side limit, like client-go)' },
  { env: 'KUBERNETES_BURST', kind: 'integer', field: 'burst', min: 1, max: 1000, default: '40', help: 'API requests allowed at once above the average' },
  { env: 'POD_NAME', kind: 'text', example: 'ecr-token-refresher-7d9c-x2x4q', field: 'podName', help: 'leader election identity; default the hostname' },
  { env: 'POD_NAMESPACE', kind: 'dns-label', field: 'podNamespace', help: 'default namespace of the Lease' },
];

// ---- The schema as --help and the reference show it.
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

// ---- The keys the config file accepts at its top level, and advice for keys
// that belong elsewhere (an env var name written as a key, a target key at the
// top level, the API key itself).
const KEY_ADVICE = 'keep the key out of the config file: use PCC_API_KEY or apiKeyFile';

/** Top-level file keys (the first segment of every schema key), behaviour settings first, `targets` last. */
export const TOP_LEVEL_KEYS: readonly string[] = [
  ...new Set(
    [...SETTING_SCHEMA.filter((e) => e.group === 'behaviour'), ...SETTING_SCHEMA.filter((e) => e.group !== 'behaviour')]
      .flatMap((e) => e.keys)
      .filter((key) => !key.startsWith('targets[]'))
      .map((key) => key.split('.')[0]!),
  ),
  'targets',
];

export const TOP_LEVEL_HINTS: Readonly<Record<string, string>> = {
  apiKey: KEY_ADVICE,
  PCC_API_KEY: KEY_ADVICE,
  ...Object.fromEntries(
    TARGET_SETTINGS.filter((s) => !TOP_LEVEL_KEYS.includes(s.key)).map((s) => [s.key, 'belongs to a target: put it in an item of the `targets:` list']),
  ),
  ...Object.fromEntries(
    SETTING_SCHEMA.flatMap((entry) => {
      const key = entry.keys.find((k) => !k.startsWith('targets[]')) ?? entry.keys[0];
      if (key === undefined) return [];
      const where = key.startsWith('targets[].') ? `\`${key.slice('targets[].'.length)}\` in each target` : `\`${key}\``;
      return [entry.env, ...(entry.aliases ?? [])].map((name) => [name, `is an env var name: in the config file write ${where}`]);
    }),
  ),
};
