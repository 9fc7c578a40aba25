import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { loadLambdaConfig } from '../../src/lambda/load-lambda-config.js';

const KEY = { AWS_REGION: 'us-east-1', PCC_API_KEY_PARAMETER: '/pipecat/api-key' };
const noFiles = (path: string): string => {
  throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
};

function problems(env: Record<string, string>) {
  try {
    loadLambdaConfig(env, noFiles);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe("the Lambda function's configuration", () => {
  it('takes several targets from REFRESHER_CONFIG, in YAML or JSON', () => {
    const yaml = loadLambdaConfig({ ...KEY, REFRESHER_CONFIG: 'targets:\n  - secretSet: a-set\n  - secretSet: b-set\n    awsRegion: eu-west-1\n' }, noFiles);
    expect(yaml.config.targets.map((t) => [t.name, t.awsRegion])).toEqual([
      ['a-set', 'us-east-1'],
      ['b-set', 'eu-west-1'],
    ]);
    expect(yaml.keySource).toEqual({ kind: 'ssm-parameter', field: 'PCC_API_KEY_PARAMETER', id: '/pipecat/api-key' });
  });

  it('names REFRESHER_CONFIG, not a file, when its text does not parse', () => {
    const [problem, ...rest] = problems({ ...KEY, REFRESHER_CONFIG: '{"targets": [' });
    expect(rest).toEqual([]);
    expect(problem!.field).toBe('REFRESHER_CONFIG');
    expect(problem!.message).toMatch(/^the value is not valid YAML: /);
  });

  it('refuses apiKeyFile and a second way to give the configuration, both at once', () => {
    const text = JSON.stringify({ apiKeyFile: '/run/key', targets: [{ secretSet: 'a-set' }] });
    expect(problems({ ...KEY, REFRESHER_CONFIG: text, CONFIG_FILE: '/etc/refresher.yaml' })).toEqual([
      { field: 'REFRESHER_CONFIG', message: 'both REFRESHER_CONFIG and CONFIG_FILE are set: give the configuration one way only' },
      { field: 'apiKeyFile', message: 'is not used by the Lambda function: remove it and set PCC_API_KEY_SECRET_ARN or PCC_API_KEY_PARAMETER' },
    ]);
  });

  it('refuses a Kubernetes Secret target: the function fills Pipecat Cloud secret sets only', () => {
    const text = JSON.stringify({ targets: [{ secretSet: 'a-set' }, { kubernetesSecret: { namespace: 'agents', name: 'ecr-pull' } }] });
    const [problem, ...rest] = problems({ ...KEY, REFRESHER_CONFIG: text });
    expect(rest).toEqual([]);
    expect(problem).toEqual({
      field: 'targets[1].kubernetesSecret',
      message: 'the Lambda function fills Pipecat Cloud secret sets only: use secretSet, and run the daemon in the cluster for Kubernetes Secrets',
    });
  });
});
