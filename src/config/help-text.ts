// The --help text. Setting defaults come from the same table loadConfig uses.
import { SETTINGS } from './settings.js';

type Row = [env: string, key: string, fallback: string, meaning: string];

const KEY_AND_TARGET_ROWS: Row[] = [
  ['PCC_API_KEY', '-', 'required*', 'Pipecat Cloud private API key (never in the config file)'],
  ['PCC_API_KEY_FILE', 'apiKeyFile', '-', 'file holding the key (*instead of PCC_API_KEY)'],
  ['PCC_SECRET_SET', 'targets[].secretSet', 'required', 'secret set to keep filled'],
  ['PCC_SECRET_FORMAT', 'targets[].format', 'auto', 'auto, triplet or image-pull-secret'],
  ['PCC_REGION', 'targets[].pccRegion', '-', 'Pipecat Cloud region of the set'],
  ['AWS_REGION', 'awsRegion, targets[].awsRegion', 'required', 'ECR region (AWS_DEFAULT_REGION also read)'],
  ['ECR_REGISTRY_ID', 'targets[].registryId', "caller's account", '12-digit account id of the registry'],
  ['ECR_ROLE_ARN', 'targets[].roleArn', '-', 'IAM role to assume before minting'],
];

export function helpText(version: string): string {
  const rows: Row[] = [
    ...KEY_AND_TARGET_ROWS,
    ...SETTINGS.map((s): Row => [s.env, s.key, s.default ?? '-', s.help]),
    ['CONFIG_FILE', '(--config)', '-', 'YAML or JSON config file'],
  ];
  const label = (env: string, fallback: string) => (fallback === '-' ? env : `${env} (${fallback})`);
  const width = Math.max(...rows.map(([env, , fallback]) => label(env, fallback).length));
  const table = rows
    .map(([env, key, fallback, meaning]) => {
      const file = key === '-' ? 'not in the file' : `file: ${key}`;
      return `  ${label(env, fallback).padEnd(width)}  ${file}\n      ${meaning}`;
    })
    .join('\n');
  return `ecr-token-refresher ${version}
Keeps AWS ECR registry credentials fresh in Pipecat Cloud image pull secrets.

Usage: ecr-token-refresher [--once] [--dry-run] [--config FILE] [--help] [--version]

Options:
  --once               run one refresh cycle, then exit
  --dry-run            mint tokens and print the redacted requests; write nothing
  -c, --config FILE    YAML or JSON config file (settings and a \`targets:\` list)
  -h, --help           show this help
  --version            print the version

Environment (one target; for several, list \`targets:\` in the config file).
Env vars win over the config file's top-level settings. NAME (default):
${table}

Durations: 500ms, 90s, 5m, 4h, 1h30m, 1d.

Also read: AWS_ENDPOINT_URL_ECR and the AWS credential chain's variables (by the AWS SDK);
HTTPS_PROXY / HTTP_PROXY / NO_PROXY for the secrets API, webhook and Pushgateway.

Exit codes:
  0  every target pushed and ready (--once), or the daemon stopped cleanly
  1  a refresh failed
  2  bad configuration or usage
  3  could not start (e.g. the metrics port is taken)
`;
}
