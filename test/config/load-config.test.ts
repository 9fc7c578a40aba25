import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigProblem } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';
import { configProblems } from './support/config-problems.js';

const API_KEY = 'pk_live_3f9a0c1d2e4b5a6978';
const BASE_ENV = { PCC_API_KEY: API_KEY, PCC_SECRET_SET: 'ecr-prod', AWS_REGION: 'us-east-1' };

type Env = Record<string, string | undefined>;

function enoent(path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
}

function load(env: Env, files: Record<string, string> = {}, configFile?: string) {
  return loadConfig({
    env,
    configFile,
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw enoent(path);
      return text;
    },
  });
}

function problemsOf(env: Env, files: Record<string, string> = {}, configFile?: string): ConfigProblem[] {
  return configProblems(() => load(env, files, configFile));
}

function errorOf(env: Env, files: Record<string, string> = {}, configFile?: string): ConfigError {
  try {
    load(env, files, configFile);
  } catch (error) {
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

function problemFor(field: string, env: Env, files: Record<string, string> = {}, configFile?: string): string {
  const problems = problemsOf(env, files, configFile);
  const found = problems.filter((p) => p.field === field);
  expect(found, `problems: ${JSON.stringify(problems)}`).toHaveLength(1);
  return found[0]!.message;
}

describe('loadConfig defaults', () => {
  it('fills every setting with its documented default from env vars for one target', () => {
    expect(load(BASE_ENV)).toEqual({
      apiUrl: 'https://api.pipecat.daily.co/v1',
      apiKey: API_KEY,
      targets: [{ destination: { kind: 'pipecat', secretSet: 'ecr-prod' }, name: 'ecr-prod', format: 'auto', awsRegion: 'us-east-1' }],
      schedule: '0 */6 * * *',
      scheduleJitterMs: 0,
      refreshMarginMs: 4 * 3_600_000,
      confirmTimeoutMs: 120_000,
      requestTimeoutMs: 15_000,
      pushConcurrency: 8,
      retryInitialDelayMs: 5_000,
      retryMaxDelayMs: 900_000,
      metricsPort: 9102,
      metricsHost: '0.0.0.0',
      logLevel: 'info',
      shutdownTimeoutMs: 30_000,
      leaderElection: { enabled: false, leaseName: 'ecr-token-refresher', leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 },
      kubernetes: { serviceAccountDir: '/var/run/secrets/kubernetes.io/serviceaccount', qps: 20, burst: 40 },
    });
  });

  it('leaves optional URLs unset', () => {
    const config = load(BASE_ENV);
    expect(config).not.toHaveProperty('pushgatewayUrl');
    expect(config).not.toHaveProperty('alertWebhookUrl');
  });

  it('treats empty env vars as unset', () => {
    expect(load({ ...BASE_ENV, REFRESH_MARGIN: '', PCC_REGION: '', CONFIG_FILE: '' }).refreshMarginMs).toBe(4 * 3_600_000);
  });
});

describe('loadConfig from env vars only', () => {
  it('reads every single-target env var', () => {
    const config = load({
      ...BASE_ENV,
      PCC_SECRET_FORMAT: 'image-pull-secret',
      PCC_REGION: 'us-west',
      ECR_REGISTRY_ID: '123456789012',
      ECR_ROLE_ARN: 'arn:aws:iam::123456789012:role/ecr-reader',
    });
    expect(config.targets).toEqual([
      {
        destination: { kind: 'pipecat', secretSet: 'ecr-prod' },
        name: 'ecr-prod',
        format: 'image-pull-secret',
        pccRegion: 'us-west',
        awsRegion: 'us-east-1',
        registryId: '123456789012',
        roleArn: 'arn:aws:iam::123456789012:role/ecr-reader',
      },
    ]);
  });

  it('reads every top-level setting', () => {
    const config = load({
      ...BASE_ENV,
      PCC_API_URL: 'http://127.0.0.1:8080/v1/',
      REFRESH_SCHEDULE: '*/30 * * * *',
      REFRESH_JITTER: '5m',
      REFRESH_MARGIN: '2h30m',
      CONFIRM_TIMEOUT: '90s',
      REQUEST_TIMEOUT: '500ms',
      PUSH_CONCURRENCY: '3',
      RETRY_INITIAL_DELAY: '1s',
      RETRY_MAX_DELAY: '1m',
      METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      LOG_LEVEL: 'DEBUG',
      PUSHGATEWAY_URL: 'http://127.0.0.1:9091',
      ALERT_WEBHOOK_URL: 'https://hooks.example.com/services/T0/B0/x',
      SHUTDOWN_TIMEOUT: '10s',
    });
    expect(config).toMatchObject({
      apiUrl: 'http://127.0.0.1:8080/v1',
      schedule: '*/30 * * * *',
      scheduleJitterMs: 300_000,
      refreshMarginMs: 9_000_000,
      confirmTimeoutMs: 90_000,
      requestTimeoutMs: 500,
      pushConcurrency: 3,
      retryInitialDelayMs: 1_000,
      retryMaxDelayMs: 60_000,
      metricsPort: 0,
      metricsHost: '127.0.0.1',
      logLevel: 'debug',
      pushgatewayUrl: 'http://127.0.0.1:9091',
      alertWebhookUrl: 'https://hooks.example.com/services/T0/B0/x',
      shutdownTimeoutMs: 10_000,
    });
  });

  it('falls back to AWS_DEFAULT_REGION when AWS_REGION is unset', () => {
    const { AWS_REGION: _, ...env } = BASE_ENV;
    expect(load({ ...env, AWS_DEFAULT_REGION: 'eu-west-1' }).targets[0]!.awsRegion).toBe('eu-west-1');
  });

  it('prefers AWS_REGION over AWS_DEFAULT_REGION', () => {
    expect(load({ ...BASE_ENV, AWS_DEFAULT_REGION: 'eu-west-1' }).targets[0]!.awsRegion).toBe('us-east-1');
  });

  it('accepts GovCloud and ISO regions', () => {
    expect(load({ ...BASE_ENV, AWS_REGION: 'us-gov-west-1' }).targets[0]!.awsRegion).toBe('us-gov-west-1');
    expect(load({ ...BASE_ENV, AWS_REGION: 'us-isob-east-1' }).targets[0]!.awsRegion).toBe('us-isob-east-1');
  });

  it('requires PCC_SECRET_SET and says where targets can be set', () => {
    const { PCC_SECRET_SET: _, ...env } = BASE_ENV;
    expect(problemFor('PCC_SECRET_SET', env)).toMatch(/required: set PCC_SECRET_SET .*list targets in a config file/);
  });

  it('requires an AWS region and names AWS_REGION', () => {
    const { AWS_REGION: _, ...env } = BASE_ENV;
    expect(problemFor('AWS_REGION', env)).toMatch(/required: set AWS_REGION \(or AWS_DEFAULT_REGION\)/);
  });

  it('takes the AWS region from the config file when the env has none', () => {
    const { AWS_REGION: _, ...env } = BASE_ENV;
    const config = load({ ...env, CONFIG_FILE: 'c.yaml' }, { 'c.yaml': 'awsRegion: ap-south-1\n' });
    expect(config.targets).toEqual([{ destination: { kind: 'pipecat', secretSet: 'ecr-prod' }, name: 'ecr-prod', format: 'auto', awsRegion: 'ap-south-1' }]);
  });
});

const MANY_TARGETS_YAML = `# refresher settings
apiKeyFile: /run/secrets/pcc-key
apiUrl: https://api.example.com/v1/
schedule: "0 */4 * * *"
refreshMargin: 3h
pushConcurrency: 4
metricsPort: 9200
awsRegion: us-east-1
targets:
  - secretSet: ecr-prod
    format: image-pull-secret
    pccRegion: us-west
    registryId: "012345678901"
    roleArn: arn:aws:iam::012345678901:role/ecr-reader
  - secretSet: ecr-eu
    awsRegion: eu-central-1
    format: triplet
  - secretSet: ecr.staging
    registryId: 123456789012
`;

const EXPECTED_TARGETS = [
  {
    destination: { kind: 'pipecat', secretSet: 'ecr-prod' },
    name: 'ecr-prod',
    format: 'image-pull-secret',
    pccRegion: 'us-west',
    awsRegion: 'us-east-1',
    registryId: '012345678901',
    roleArn: 'arn:aws:iam::012345678901:role/ecr-reader',
  },
  { destination: { kind: 'pipecat', secretSet: 'ecr-eu' }, name: 'ecr-eu', format: 'triplet', awsRegion: 'eu-central-1' },
  { destination: { kind: 'pipecat', secretSet: 'ecr.staging' }, name: 'ecr.staging', format: 'auto', awsRegion: 'us-east-1', registryId: '123456789012' },
];

describe('loadConfig from a config file', () => {
  const files = { '/etc/refresher.yaml': MANY_TARGETS_YAML, '/run/secrets/pcc-key': `${API_KEY}\n` };

  it('reads settings and many targets from YAML', () => {
    const config = load({}, files, '/etc/refresher.yaml');
    expect(config.targets).toEqual(EXPECTED_TARGETS);
    expect(config).toMatchObject({
      apiKey: API_KEY,
      apiUrl: 'https://api.example.com/v1',
      schedule: '0 */4 * * *',
      refreshMarginMs: 3 * 3_600_000,
      pushConcurrency: 4,
      metricsPort: 9200,
      requestTimeoutMs: 15_000,
    });
  });

  it('reads the same settings from JSON', () => {
    const json = JSON.stringify({
      apiKeyFile: '/run/secrets/pcc-key',
      refreshMargin: '3h',
      pushConcurrency: 4,
      awsRegion: 'us-east-1',
      targets: [
        { ...EXPECTED_TARGETS[0], destination: undefined, name: undefined, secretSet: EXPECTED_TARGETS[0]!.name, awsRegion: undefined },
        { ...EXPECTED_TARGETS[1], destination: undefined, name: undefined, secretSet: EXPECTED_TARGETS[1]!.name },
        { secretSet: 'ecr.staging', registryId: '123456789012' },
      ],
    });
    const config = load({}, { ...files, '/etc/refresher.json': json }, '/etc/refresher.json');
    expect(config.targets).toEqual(EXPECTED_TARGETS);
    expect(config.refreshMarginMs).toBe(3 * 3_600_000);
  });

  it('finds the file through CONFIG_FILE', () => {
    expect(load({ CONFIG_FILE: '/etc/refresher.yaml' }, files).targets).toHaveLength(3);
  });

  it('prefers the --config path over CONFIG_FILE', () => {
    expect(load({ CONFIG_FILE: '/nowhere.yaml' }, files, '/etc/refresher.yaml').targets).toHaveLength(3);
  });

  it('lets env vars override top-level settings from the file', () => {
    const config = load({ REFRESH_MARGIN: '1h', PUSH_CONCURRENCY: '2', PCC_API_URL: 'http://127.0.0.1:1/v1' }, files, '/etc/refresher.yaml');
    expect(config.refreshMarginMs).toBe(3_600_000);
    expect(config.pushConcurrency).toBe(2);
    expect(config.apiUrl).toBe('http://127.0.0.1:1/v1');
    expect(config.metricsPort).toBe(9200);
  });

  it('lets PCC_API_KEY_FILE override apiKeyFile from the file', () => {
    const config = load({ PCC_API_KEY_FILE: '/other-key' }, { ...files, '/other-key': 'pk_other' }, '/etc/refresher.yaml');
    expect(config.apiKey).toBe('pk_other');
  });

  it('uses AWS_REGION as the default region of file targets, over the file default', () => {
    const config = load({ AWS_REGION: 'sa-east-1' }, files, '/etc/refresher.yaml');
    expect(config.targets.map((t) => t.awsRegion)).toEqual(['sa-east-1', 'eu-central-1', 'sa-east-1']);
  });

  it('uses AWS_DEFAULT_REGION for file targets without a region', () => {
    const yaml = 'targets:\n  - secretSet: ecr-a\n';
    expect(load({ PCC_API_KEY: API_KEY, AWS_DEFAULT_REGION: 'eu-west-2' }, { 'c.yaml': yaml }, 'c.yaml').targets).toEqual([
      { destination: { kind: 'pipecat', secretSet: 'ecr-a' }, name: 'ecr-a', format: 'auto', awsRegion: 'eu-west-2' },
    ]);
  });

  it('accepts a file with settings only and takes the target from env vars', () => {
    const config = load(BASE_ENV, { 'c.yaml': 'logLevel: warn\n' }, 'c.yaml');
    expect(config.logLevel).toBe('warn');
    expect(config.targets).toEqual([{ destination: { kind: 'pipecat', secretSet: 'ecr-prod' }, name: 'ecr-prod', format: 'auto', awsRegion: 'us-east-1' }]);
  });

  it('treats an empty file as no settings', () => {
    expect(load(BASE_ENV, { 'c.yaml': '' }, 'c.yaml').targets).toHaveLength(1);
  });

  it('treats a key with no value as unset', () => {
    expect(load(BASE_ENV, { 'c.yaml': 'pushgatewayUrl:\n' }, 'c.yaml')).not.toHaveProperty('pushgatewayUrl');
  });

  it('accepts a metrics port written as a quoted number', () => {
    expect(load(BASE_ENV, { 'c.yaml': 'metricsPort: "9300"\n' }, 'c.yaml').metricsPort).toBe(9300);
  });
});

describe('loadConfig rejects a config file', () => {
  it('that cannot be read, naming the path and errno', () => {
    expect(problemFor('--config', BASE_ENV, {}, '/etc/missing.yaml')).toMatch(/cannot read config file "\/etc\/missing.yaml" \(ENOENT\)/);
  });

  it('named by CONFIG_FILE that cannot be read, naming CONFIG_FILE', () => {
    expect(problemFor('CONFIG_FILE', { ...BASE_ENV, CONFIG_FILE: '/etc/missing.yaml' })).toMatch(/ENOENT/);
  });

  it('with malformed YAML, naming the file, line and column', () => {
    const yaml = 'schedule: "0 */6 * * *"\ntargets:\n  - secretSet: a: b\n';
    expect(problemFor('--config', BASE_ENV, { 'c.yaml': yaml }, 'c.yaml')).toMatch(/^"c\.yaml" is not valid YAML: line 3, column \d+: /);
  });

  it('with duplicate YAML keys', () => {
    expect(problemFor('--config', BASE_ENV, { 'c.yaml': 'logLevel: info\nlogLevel: warn\n' }, 'c.yaml')).toMatch(
      /line 2, column 1: Map keys must be unique/,
    );
  });

  it('with malformed JSON, naming the file, line and column', () => {
    const json = '{\n  "logLevel": "info",\n  "targets": [\n    {"secretSet": "ecr-a",}\n  ]\n}\n';
    expect(problemFor('--config', BASE_ENV, { 'c.json': json }, 'c.json')).toBe(
      '"c.json" is not valid JSON: line 4, column 27: expected a double-quoted string, found "}"',
    );
  });

  it('with truncated JSON, pointing at the end of the file', () => {
    expect(problemFor('--config', BASE_ENV, { 'c.json': '{"targets": [' }, 'c.json')).toMatch(/line 1, column 14: .*found the end of the file/);
  });

  it('whose top level is not a mapping', () => {
    expect(problemFor('--config', BASE_ENV, { 'c.yaml': '- a\n- b\n' }, 'c.yaml')).toMatch(/must hold a mapping of settings/);
  });

  it('that cannot be parsed with only that one problem, not guesses about missing targets or keys', () => {
    expect(problemsOf({}, { 'c.yaml': 'a: [\n' }, 'c.yaml').map((p) => p.field)).toEqual(['--config']);
  });

  it('without echoing its content in a syntax error', () => {
    const json = `{"apiKey": "${API_KEY}" "x": 1}`;
    expect(errorOf({}, { 'c.json': json }, 'c.json').message).not.toContain(API_KEY);
  });
});

describe('loadConfig rejects unknown keys', () => {
  const withFile = (yaml: string) => problemsOf({ PCC_API_KEY: API_KEY, AWS_REGION: 'us-east-1' }, { 'c.yaml': yaml }, 'c.yaml');

  it('in a target, suggesting secretSet for secretset', () => {
    const problems = withFile('targets:\n  - secretSet: ecr-a\n  - secretset: ecr-b\n');
    expect(problems).toContainEqual({ field: 'targets[1].secretset', message: 'unknown key: did you mean `secretSet`?' });
  });

  it('at the top level, suggesting the nearest key', () => {
    const problems = withFile('refreshMargn: 3h\ntargets:\n  - secretSet: ecr-a\n');
    expect(problems).toEqual([{ field: 'refreshMargn', message: 'unknown key: did you mean `refreshMargin`?' }]);
  });

  it('with no near key, listing the known keys', () => {
    const [problem] = withFile('colour: blue\ntargets:\n  - secretSet: ecr-a\n');
    expect(problem).toMatchObject({ field: 'colour' });
    expect(problem!.message).toMatch(/^unknown key: use one of `apiUrl`, .*`targets`$/);
  });

  it('that are env var names, giving the file key', () => {
    const problems = withFile('REFRESH_MARGIN: 3h\ntargets:\n  - secretSet: ecr-a\n');
    expect(problems).toEqual([{ field: 'REFRESH_MARGIN', message: 'is an env var name: in the config file write `refreshMargin`' }]);
  });

  it('that belong to a target when written at the top level', () => {
    const problems = withFile('secretSet: ecr-a\n');
    expect(problems).toContainEqual({ field: 'secretSet', message: 'belongs to a target: put it in an item of the `targets:` list' });
  });

  it('apiKey inside a target, without echoing it', () => {
    const error = errorOf({ PCC_API_KEY: API_KEY, AWS_REGION: 'us-east-1' }, { 'c.yaml': `targets:\n  - secretSet: ecr-a\n    apiKey: ${API_KEY}\n` }, 'c.yaml');
    expect(error.problems).toEqual([{ field: 'targets[0].apiKey', message: expect.stringContaining('keep the key out of the config file') }]);
    expect(error.message).not.toContain(API_KEY);
  });

  it('apiKey, telling to keep the key out of the file, without echoing it', () => {
    const error = errorOf({ PCC_API_KEY: API_KEY, AWS_REGION: 'us-east-1' }, { 'c.yaml': `apiKey: ${API_KEY}\ntargets:\n  - secretSet: ecr-a\n` }, 'c.yaml');
    expect(error.problems).toContainEqual({
      field: 'apiKey',
      message: 'keep the key out of the config file: use PCC_API_KEY or apiKeyFile',
    });
    expect(error.message).not.toContain(API_KEY);
  });
});

describe('loadConfig rejects target problems', () => {
  const env = { PCC_API_KEY: API_KEY, AWS_REGION: 'us-east-1' };
  const targetsProblem = (yaml: string, field: string) => problemFor(field, env, { 'c.yaml': yaml }, 'c.yaml');

  it('single-target env vars next to a file targets list, one problem per env var', () => {
    const problems = problemsOf(
      { ...env, PCC_SECRET_SET: 'ecr-x', ECR_ROLE_ARN: 'arn:aws:iam::123456789012:role/r' },
      { 'c.yaml': 'targets:\n  - secretSet: ecr-a\n' },
      'c.yaml',
    );
    expect(problems.map((p) => p.field)).toEqual(['PCC_SECRET_SET', 'ECR_ROLE_ARN']);
    expect(problems[0]!.message).toMatch(/set targets in one place/);
  });

  it('targets that is not a list', () => {
    expect(targetsProblem('targets: {}\n', 'targets')).toMatch(/must be a list of targets/);
  });

  it('an empty targets list', () => {
    expect(targetsProblem('targets: []\n', 'targets')).toMatch(/the list is empty: add at least one target/);
  });

  it('a target that is not a mapping', () => {
    expect(targetsProblem('targets:\n  - ecr-a\n', 'targets[0]')).toMatch(/must be a mapping/);
  });

  it('a target without secretSet', () => {
    expect(targetsProblem('targets:\n  - format: auto\n', 'targets[0].secretSet')).toMatch(/^required/);
  });

  it('a secretSet that is not a string', () => {
    expect(targetsProblem('targets:\n  - secretSet: 42\n', 'targets[0].secretSet')).toMatch(/must be a string, not number/);
  });

  it('a duplicate secretSet, naming both indexes', () => {
    const yaml = 'targets:\n  - secretSet: ecr-a\n  - secretSet: ecr-b\n  - secretSet: ecr-a\n';
    expect(targetsProblem(yaml, 'targets[2].secretSet')).toBe('"ecr-a" is also used by targets[0]: give each target its own secret set');
  });

  it('an invalid secret set name in the file', () => {
    expect(targetsProblem('targets:\n  - secretSet: ECR_Prod\n', 'targets[0].secretSet')).toMatch(
      /"ECR_Prod" is not a valid secret set name: use lowercase letters, digits, '-' and '.'/,
    );
  });

  it('an invalid secret set name from PCC_SECRET_SET', () => {
    expect(problemFor('PCC_SECRET_SET', { ...BASE_ENV, PCC_SECRET_SET: 'My_Set' })).toMatch(
      /^"My_Set" is not a valid secret set name: use lowercase letters, digits, '-' and '.'.*3–63 characters$/,
    );
  });

  it('an unknown format, suggesting the closest', () => {
    expect(targetsProblem('targets:\n  - secretSet: ecr-a\n    format: imagePullSecret\n', 'targets[0].format')).toBe(
      '"imagePullSecret" is not a secret format: did you mean `image-pull-secret`? use auto, triplet or image-pull-secret',
    );
  });

  it('an unknown format from PCC_SECRET_FORMAT', () => {
    expect(problemFor('PCC_SECRET_FORMAT', { ...BASE_ENV, PCC_SECRET_FORMAT: 'docker' })).toMatch(/use auto, triplet or image-pull-secret/);
  });

  it('an invalid Pipecat region', () => {
    expect(problemFor('PCC_REGION', { ...BASE_ENV, PCC_REGION: 'US West' })).toMatch(/use lowercase letters, digits and '-'/);
  });

  it.each(['useast1', 'US-EAST-1', 'us-east', 'us-east-1a', 'east'])('an invalid AWS region %j', (region) => {
    expect(problemFor('AWS_REGION', { ...BASE_ENV, AWS_REGION: region })).toMatch(/is not an AWS region: use a region code like us-east-1/);
  });

  it('an invalid awsRegion in a target', () => {
    expect(targetsProblem('targets:\n  - secretSet: ecr-a\n    awsRegion: virginia\n', 'targets[0].awsRegion')).toMatch(/not an AWS region/);
  });

  it('an invalid top-level awsRegion once, not once per target', () => {
    const problems = problemsOf({ PCC_API_KEY: API_KEY }, { 'c.yaml': 'awsRegion: nowhere\ntargets:\n  - secretSet: ecr-a\n  - secretSet: ecr-b\n' }, 'c.yaml');
    expect(problems.map((p) => p.field)).toEqual(['awsRegion']);
  });

  it('a file target without any region, saying where to set one', () => {
    const problems = problemsOf({ PCC_API_KEY: API_KEY }, { 'c.yaml': 'targets:\n  - secretSet: ecr-a\n' }, 'c.yaml');
    expect(problems).toEqual([
      { field: 'targets[0].awsRegion', message: "required: set the ECR registry's region here, or awsRegion at the top level, or AWS_REGION" },
    ]);
  });

  it.each(['12345678901', '1234567890123', 'abcdefghijkl'])('a registry id %j that is not 12 digits', (id) => {
    expect(problemFor('ECR_REGISTRY_ID', { ...BASE_ENV, ECR_REGISTRY_ID: id })).toMatch(/use the 12 digits of the registry's account/);
  });

  it('an unquoted YAML registry id that lost its leading zero, telling to quote it', () => {
    expect(targetsProblem('targets:\n  - secretSet: ecr-a\n    registryId: 012345678901\n', 'targets[0].registryId')).toMatch(/quote it/);
  });

  it.each([
    'arn:aws:iam::12345678901:role/r',
    'arn:aws:iam::123456789012:user/bob',
    'arn:aws:sts::123456789012:assumed-role/r/s',
    'ecr-reader',
  ])('a role ARN %j that is not an IAM role', (arn) => {
    expect(problemFor('ECR_ROLE_ARN', { ...BASE_ENV, ECR_ROLE_ARN: arn })).toMatch(/use arn:aws:iam::<12-digit account>:role\/<name>/);
  });

  it('accepts role ARNs with paths and in other partitions', () => {
    for (const arn of ['arn:aws:iam::123456789012:role/ci/ecr-reader', 'arn:aws-us-gov:iam::123456789012:role/r', 'arn:aws-cn:iam::123456789012:role/r']) {
      expect(load({ ...BASE_ENV, ECR_ROLE_ARN: arn }).targets[0]!.roleArn).toBe(arn);
    }
  });
});

describe('loadConfig rejects settings', () => {
  it('a cron expression node-cron rejects', () => {
    expect(problemFor('REFRESH_SCHEDULE', { ...BASE_ENV, REFRESH_SCHEDULE: '0 25 * * *' })).toMatch(
      /"0 25 \* \* \*" is not a valid cron expression: use a cron expression with five fields .*"0 \*\/6 \* \* \*"/,
    );
  });

  it('a schedule in the file that is not a string', () => {
    expect(problemFor('schedule', BASE_ENV, { 'c.yaml': 'schedule: 6\n' }, 'c.yaml')).toMatch(/must be a string/);
  });

  it('a duration that does not parse, naming the env var', () => {
    expect(problemFor('CONFIRM_TIMEOUT', { ...BASE_ENV, CONFIRM_TIMEOUT: '2 minutes' })).toMatch(/is not a duration: use a whole number with a unit/);
  });

  it('a bare number as a duration in the file, naming the key', () => {
    expect(problemFor('requestTimeout', BASE_ENV, { 'c.yaml': 'requestTimeout: 15\n' }, 'c.yaml')).toMatch(/"15" is not a duration/);
  });

  it.each(['12h', '13h', '0s'])('a refresh margin of %s', (margin) => {
    expect(problemFor('REFRESH_MARGIN', { ...BASE_ENV, REFRESH_MARGIN: margin })).toMatch(/shorter than 12h \(the ECR token lifetime\)/);
  });

  it('accepts a refresh margin just under 12h', () => {
    expect(load({ ...BASE_ENV, REFRESH_MARGIN: '11h59m' }).refreshMarginMs).toBe(719 * 60_000);
  });

  it('a jitter of 1h or more', () => {
    expect(problemFor('REFRESH_JITTER', { ...BASE_ENV, REFRESH_JITTER: '1h' })).toMatch(/must be less than 1h/);
  });

  it('accepts a jitter longer than the schedule interval as long as it is under 1h', () => {
    expect(load({ ...BASE_ENV, REFRESH_SCHEDULE: '*/5 * * * *', REFRESH_JITTER: '59m' }).scheduleJitterMs).toBe(59 * 60_000);
  });

  it.each(['CONFIRM_TIMEOUT', 'REQUEST_TIMEOUT', 'RETRY_INITIAL_DELAY', 'RETRY_MAX_DELAY', 'SHUTDOWN_TIMEOUT'])('a zero %s', (name) => {
    expect(problemFor(name, { ...BASE_ENV, [name]: '0s' })).toMatch(/must be longer than 0/);
  });

  it('a duration longer than a timer can wait', () => {
    expect(problemFor('SHUTDOWN_TIMEOUT', { ...BASE_ENV, SHUTDOWN_TIMEOUT: '30d' })).toMatch(/too long: use at most 24d/);
  });

  it('a maximum retry delay shorter than the initial one', () => {
    expect(problemFor('RETRY_MAX_DELAY', { ...BASE_ENV, RETRY_INITIAL_DELAY: '1m', RETRY_MAX_DELAY: '30s' })).toMatch(
      /make RETRY_MAX_DELAY at least RETRY_INITIAL_DELAY/,
    );
  });

  it.each(['65536', '-1', '80.5', 'http'])('a metrics port %j', (port) => {
    expect(problemFor('METRICS_PORT', { ...BASE_ENV, METRICS_PORT: port })).toMatch(/use a whole number from 0 to 65535/);
  });

  it.each(['0', '101', 'eight'])('a push concurrency %j', (value) => {
    expect(problemFor('PUSH_CONCURRENCY', { ...BASE_ENV, PUSH_CONCURRENCY: value })).toMatch(/use a whole number from 1 to 100/);
  });

  it('a push concurrency of the wrong type in the file', () => {
    expect(problemFor('pushConcurrency', BASE_ENV, { 'c.yaml': 'pushConcurrency: "eight"\n' }, 'c.yaml')).toBe(
      '"eight" is not a whole number: use a whole number from 1 to 100',
    );
  });

  it.each([
    ['PCC_API_URL', 'ftp://api.example.com/v1'],
    ['PCC_API_URL', 'api.pipecat.daily.co/v1'],
    ['PUSHGATEWAY_URL', 'localhost:9091'],
    ['ALERT_WEBHOOK_URL', 'file:///etc/passwd'],
  ])('%s that is not an http(s) URL', (name, url) => {
    expect(problemFor(name, { ...BASE_ENV, [name]: url })).toMatch(/use a full http:\/\/ or https:\/\/ URL/);
  });

  it('never echoes a webhook URL, which carries a credential', () => {
    const url = 'slack://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX';
    expect(errorOf({ ...BASE_ENV, ALERT_WEBHOOK_URL: url }).message).not.toContain('XXXXSECRETXXXX');
  });

  it('an unknown log level, suggesting the closest', () => {
    expect(problemFor('LOG_LEVEL', { ...BASE_ENV, LOG_LEVEL: 'warning' })).toBe(
      '"warning" is not a log level: did you mean `warn`? use one of fatal, error, warn, info, debug, trace, silent',
    );
  });

  it('an empty metrics host in the file', () => {
    expect(problemFor('metricsHost', BASE_ENV, { 'c.yaml': 'metricsHost: " "\n' }, 'c.yaml')).toMatch(/non-empty string/);
  });
});

describe('loadConfig API key', () => {
  const { PCC_API_KEY: _, ...noKey } = BASE_ENV;

  it('reads the key from PCC_API_KEY_FILE, trimming the trailing newline', () => {
    expect(load({ ...noKey, PCC_API_KEY_FILE: '/k' }, { '/k': `${API_KEY}\n` }).apiKey).toBe(API_KEY);
  });

  it('trims a Windows line ending too', () => {
    expect(load({ ...noKey, PCC_API_KEY_FILE: '/k' }, { '/k': `${API_KEY}\r\n` }).apiKey).toBe(API_KEY);
  });

  it('reads the key from apiKeyFile in the config file', () => {
    const config = load(noKey, { 'c.yaml': 'apiKeyFile: /k\n', '/k': API_KEY }, 'c.yaml');
    expect(config.apiKey).toBe(API_KEY);
  });

  it('rejects neither PCC_API_KEY nor a key file', () => {
    expect(problemFor('PCC_API_KEY', noKey)).toMatch(/no API key: set PCC_API_KEY or PCC_API_KEY_FILE \(or apiKeyFile/);
  });

  it('rejects an empty PCC_API_KEY, saying it is empty', () => {
    expect(problemFor('PCC_API_KEY', { ...noKey, PCC_API_KEY: '' })).toMatch(/^is empty: set PCC_API_KEY/);
  });

  it('rejects PCC_API_KEY and PCC_API_KEY_FILE both set', () => {
    expect(problemFor('PCC_API_KEY', { ...BASE_ENV, PCC_API_KEY_FILE: '/k' }, { '/k': API_KEY })).toBe(
      'both PCC_API_KEY and PCC_API_KEY_FILE are set: give the key one way only',
    );
  });

  it('rejects PCC_API_KEY together with apiKeyFile in the config file', () => {
    expect(problemFor('PCC_API_KEY', BASE_ENV, { 'c.yaml': 'apiKeyFile: /k\n', '/k': API_KEY }, 'c.yaml')).toMatch(
      /both PCC_API_KEY and apiKeyFile in the config file are set/,
    );
  });

  it('rejects a missing key file, naming PCC_API_KEY_FILE, the path and the errno', () => {
    expect(problemFor('PCC_API_KEY_FILE', { ...noKey, PCC_API_KEY_FILE: '/run/secrets/missing' })).toBe(
      'cannot read "/run/secrets/missing" (ENOENT): check that the file exists, is mounted and readable',
    );
  });

  it('rejects an unreadable key file from apiKeyFile, naming apiKeyFile and the errno', () => {
    const message = problemFor('apiKeyFile', noKey, { 'c.yaml': 'apiKeyFile: /k\n' }, 'c.yaml');
    expect(message).toMatch(/cannot read "\/k" \(ENOENT\)/);
  });

  it('reports the errno of any read failure', () => {
    const problems = (() => {
      try {
        loadConfig({
          env: { ...noKey, PCC_API_KEY_FILE: '/k' },
          readFile: () => {
            throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
          },
        });
      } catch (error) {
        return (error as ConfigError).problems;
      }
      return [];
    })();
    expect(problems).toEqual([{ field: 'PCC_API_KEY_FILE', message: expect.stringContaining('(EACCES)') }]);
  });

  it('rejects an apiKeyFile that is not a string', () => {
    expect(problemFor('apiKeyFile', noKey, { 'c.yaml': 'apiKeyFile: [a]\n' }, 'c.yaml')).toMatch(/must be a file path string/);
  });

  it.each(['', '\n'])('rejects an empty key file %j', (content) => {
    expect(problemFor('PCC_API_KEY_FILE', { ...noKey, PCC_API_KEY_FILE: '/k' }, { '/k': content })).toMatch(/"\/k" is empty/);
  });

  it.each([
    ['a line break inside', `${API_KEY}\nsecond-line\n`],
    ['a space inside', `${API_KEY.slice(0, 8)} ${API_KEY.slice(8)}`],
    ['two trailing newlines', `${API_KEY}\n\n`],
    ['a leading space', ` ${API_KEY}`],
  ])('rejects a key file with %s, without echoing the key', (_, content) => {
    const error = errorOf({ ...noKey, PCC_API_KEY_FILE: '/k' }, { '/k': content });
    expect(error.problems).toEqual([{ field: 'PCC_API_KEY_FILE', message: expect.stringMatching(/whitespace or a line break/) }]);
    expect(error.message).not.toContain(API_KEY.slice(0, 8));
  });

  it('rejects a PCC_API_KEY with whitespace inside, without echoing it', () => {
    const error = errorOf({ ...BASE_ENV, PCC_API_KEY: `${API_KEY} extra` });
    expect(error.problems).toEqual([{ field: 'PCC_API_KEY', message: expect.stringMatching(/whitespace or a line break/) }]);
    expect(error.message).not.toContain(API_KEY);
  });

  it('never puts the key into any message, even with every other setting wrong', () => {
    const error = errorOf({
      ...BASE_ENV,
      PCC_API_KEY: `${API_KEY}\nx`,
      PCC_SECRET_SET: API_KEY,
      LOG_LEVEL: 'loud',
      PCC_API_URL: 'nope',
    });
    expect(error.problems.length).toBeGreaterThanOrEqual(3);
    expect(error.message).not.toContain(`${API_KEY}\nx`);
    expect(JSON.stringify(error.problems.filter((p) => p.field !== 'PCC_SECRET_SET'))).not.toContain(API_KEY);
  });
});

describe('loadConfig reports every problem at once', () => {
  it('three bad env vars give three problems in one ConfigError', () => {
    const error = errorOf({ ...BASE_ENV, PCC_SECRET_SET: 'My_Set', PUSH_CONCURRENCY: 'eight', REFRESH_MARGIN: '13h' });
    expect(error.code).toBe('ERR_CONFIG');
    expect(error.problems.map((p) => p.field).sort()).toEqual(['PCC_SECRET_SET', 'PUSH_CONCURRENCY', 'REFRESH_MARGIN']);
    expect(error.message.split('\n')).toHaveLength(4);
    expect(error.message).toContain(
      `PCC_SECRET_SET: "My_Set" is not a valid secret set name: use lowercase letters, digits, '-' and '.'`,
    );
  });

  it('problems in settings, the key and several targets of a file all come back together', () => {
    const yaml = [
      'pushConcurrency: eight',
      'shedule: "0 * * * *"',
      'targets:',
      '  - secretSet: ecr-a',
      '    format: nope',
      '  - secretset: ecr-b',
      '  - secretSet: ecr-a',
      '    registryId: "42"',
      '',
    ].join('\n');
    const fields = problemsOf({ AWS_REGION: 'us-east-1' }, { 'c.yaml': yaml }, 'c.yaml').map((p) => p.field);
    expect(fields.sort()).toEqual(
      [
        'shedule',
        'pushConcurrency',
        'PCC_API_KEY',
        'targets[0].format',
        'targets[1].secretset',
        'targets[1].secretSet',
        'targets[2].registryId',
      ].sort(),
    );
  });
});
