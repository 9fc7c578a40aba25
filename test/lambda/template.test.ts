// The CloudFormation template as a stack would get it: cfn-lint (from
// scripts/test-tools/lambda.sh) passes it, and the resolved resources are read
// for what matters to an operator — the roles grant nothing beyond what the
// function and the schedule need, the key never sits in the environment, the
// configuration the template writes is one the function accepts, and the
// alarms watch the metrics the function really emits.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMF_METRICS, EMF_NAMESPACE } from '../../src/lambda/create-emf-writer.js';
import { loadLambdaConfig } from '../../src/lambda/load-lambda-config.js';
import { findTool } from '../support/find-tool.js';
import { ROOT } from '../support/root.js';
import { createResolver, readTemplate } from './support/resolve-template.js';

const TEMPLATE = join(ROOT, 'deploy', 'aws-lambda', 'template.yaml');
const template = readTemplate(TEMPLATE);
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:pipecat-api-key-AbCdEf';
const ROLE_ARN = 'arn:aws:iam::444455556666:role/ecr-reader';
const withSecret = { ApiKeySecretArn: SECRET_ARN, SecretSet: 'agents-pull' };

type Statement = { Sid?: string; Effect: string; Action: string[]; Resource: string[] };

function statements(policies: { PolicyDocument: { Statement: Record<string, unknown>[] } }[]): Statement[] {
  return policies.flatMap((p) =>
    p.PolicyDocument.Statement.map((s) => {
      expect(Object.keys(s).sort()).toEqual(expect.arrayContaining(['Action', 'Effect', 'Resource']));
      expect(Object.keys(s).filter((k) => !['Sid', 'Effect', 'Action', 'Resource'].includes(k))).toEqual([]);
      const list = (v: unknown) => (Array.isArray(v) ? v : [v]) as string[];
      return { Effect: s.Effect as string, Action: list(s.Action).sort(), Resource: list(s.Resource) };
    }),
  );
}

function stack(params: Record<string, string>) {
  const resolver = createResolver(template, params);
  return { resolver, resources: resolver.resources() };
}

describe('the Lambda template', () => {
  it('passes cfn-lint', () => {
    const result = spawnSync(findTool('cfn-lint'), [TEMPLATE], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 120_000);

  it('refuses a stack without exactly one key source and one target form', () => {
    expect(createResolver(template, { SecretSet: 'a-set' }).failedRules()).toEqual([
      'Set ApiKeySecretArn (Secrets Manager) or ApiKeyParameterName (SSM SecureString)',
    ]);
    expect(createResolver(template, { ...withSecret, ApiKeyParameterName: '/pipecat/key' }).failedRules()).toEqual([
      'Set only one of ApiKeySecretArn and ApiKeyParameterName',
    ]);
    expect(createResolver(template, { ApiKeySecretArn: SECRET_ARN }).failedRules()).toEqual(['Set SecretSet (one secret set) or TargetsJson (several)']);
    expect(createResolver(template, { ...withSecret, TargetsJson: '[{"secretSet":"b-set"}]' }).failedRules()).toEqual([
      'Set SecretSet or TargetsJson, not both',
    ]);
    expect(createResolver(template, withSecret).failedRules()).toEqual([]);
  });

  it("grants the function nothing beyond minting ECR tokens, reading the one secret and writing its own logs", () => {
    const { resources } = stack(withSecret);
    const role = resources.FunctionRole!.Properties;
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(statements(role.Policies)).toEqual([
      { Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: ['*'] },
      { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [SECRET_ARN] },
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: ['<LogGroup.Arn>'] },
    ]);
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
      },
    ]);
  });

  it('with an SSM parameter and a role to assume, grants read of that parameter and sts:AssumeRole on that role only', () => {
    const { resources } = stack({ ApiKeyParameterName: '/pipecat/api-key', SecretSet: 'agents-pull', RoleArn: ROLE_ARN });
    expect(statements(resources.FunctionRole!.Properties.Policies)).toEqual([
      { Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: ['*'] },
      { Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: ['arn:aws:ssm:eu-west-1:111122223333:parameter/pipecat/api-key'] },
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: ['<LogGroup.Arn>'] },
      { Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: [ROLE_ARN] },
    ]);
  });

  it('gives the schedule only the right to invoke the function and park undeliverable invocations, and no other IAM at all', () => {
    const { resources } = stack({ ...withSecret, AlarmEmail: 'ops@example.com' });
    expect(statements(resources.SchedulerRole!.Properties.Policies)).toEqual([
      { Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: ['<Function.Arn>'] },
      { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: ['<DeadLetterQueue.Arn>'] },
    ]);
    expect(resources.SchedulerRole!.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
    const iam = Object.entries(resources).filter(([, r]) => r.Type.startsWith('AWS::IAM::') || /Permission|Policy$/.test(r.Type));
    expect(iam.map(([name, r]) => `${name} ${r.Type}`)).toEqual(['FunctionRole AWS::IAM::Role', 'SchedulerRole AWS::IAM::Role']);
  });

  it('runs the one-file bundle on Node 24 for arm64, with the key location (never the key) in its environment', () => {
    const { resources } = stack(withSecret);
    const fn = resources.Function!.Properties;
    expect(fn).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler', Role: '<FunctionRole.Arn>' });
    expect(resolve(dirname(TEMPLATE), fn.Code)).toBe(join(ROOT, 'dist', 'aws-lambda'));
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string> };
    expect(join(ROOT, pkg.exports['./lambda']!)).toBe(join(ROOT, 'dist', 'lambda.js'));
    expect(fn.LoggingConfig).toEqual({ LogGroup: '<Ref LogGroup>', LogFormat: 'Text' });
    expect(resources.LogGroup!.Properties.RetentionInDays).toBe('30');
    expect(Object.keys(fn.Environment.Variables).sort()).toEqual([
      'PCC_API_KEY_PARAMETER',
      'PCC_API_KEY_SECRET_ARN',
      'REFRESHER_CONFIG',
    ]);
    expect(fn.Environment.Variables.PCC_API_KEY_SECRET_ARN).toBe(SECRET_ARN);
  });

  it('writes a configuration the function accepts: one set with its options, or the targets list given', () => {
    const env = (params: Record<string, string>) => ({ AWS_REGION: 'eu-west-1', ...stack(params).resources.Function!.Properties.Environment.Variables });
    const one = loadLambdaConfig(
      env({ ...withSecret, SecretFormat: 'triplet', PipecatRegion: 'us-west', EcrRegion: 'us-east-2', RegistryId: '444455556666', RoleArn: ROLE_ARN }),
      () => '',
    );
    expect(one.keySource).toEqual({ kind: 'secrets-manager', field: 'PCC_API_KEY_SECRET_ARN', id: SECRET_ARN });
    expect(one.config.targets).toHaveLength(1);
    expect(one.config.targets).toMatchObject([
      { name: 'agents-pull', format: 'triplet', pccRegion: 'us-west', awsRegion: 'us-east-2', registryId: '444455556666', roleArn: ROLE_ARN },
    ]);
    const plain = loadLambdaConfig(env(withSecret), () => '').config.targets;
    expect(plain).toMatchObject([{ name: 'agents-pull', format: 'auto', awsRegion: 'eu-west-1' }]);
    expect(plain[0]).not.toHaveProperty('registryId');
    expect(plain[0]).not.toHaveProperty('roleArn');
    const many = loadLambdaConfig(
      env({ ApiKeyParameterName: '/pipecat/api-key', TargetsJson: '[{"secretSet":"a-set"},{"secretSet":"b-set","awsRegion":"us-west-2"}]' }),
      () => '',
    );
    expect(many.config.targets.map((t) => [t.name, t.awsRegion])).toEqual([
      ['a-set', 'eu-west-1'],
      ['b-set', 'us-west-2'],
    ]);
  });

  it('schedules a run every 6 hours, retried on delivery failure and parked in a dead-letter queue, and retries a failed run', () => {
    const { resources } = stack(withSecret);
    expect(resources.Schedule!.Properties).toMatchObject({
      ScheduleExpression: 'rate(6 hours)',
      State: 'ENABLED',
      Target: {
        Arn: '<Function.Arn>',
        RoleArn: '<SchedulerRole.Arn>',
        RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: '<DeadLetterQueue.Arn>' },
      },
    });
    expect(resources.FunctionInvokeConfig!.Properties).toMatchObject({ FunctionName: '<Ref Function>', MaximumRetryAttempts: 2 });
  });

  it('alarms on the metrics the function emits: under 4 h left, any failed invocation, 8 h without a full refresh (no data breaches)', () => {
    const alarms = (params: Record<string, string>) =>
      Object.fromEntries(
        Object.values(stack(params).resources)
          .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
          .map((r) => [r.Properties.MetricName as string, r.Properties]),
      );
    const quiet = alarms(withSecret);
    expect(Object.keys(quiet).sort()).toEqual(['AllTargetsRefreshed', 'ApproximateNumberOfMessagesVisible', 'Errors', 'TokenSecondsLeft']);
    expect(quiet.TokenSecondsLeft).toMatchObject({ Namespace: EMF_NAMESPACE, Statistic: 'Minimum', Threshold: 14400, ComparisonOperator: 'LessThanThreshold' });
    expect(quiet.TokenSecondsLeft!.Dimensions).toBeUndefined();
    expect(quiet.AllTargetsRefreshed).toMatchObject({ Namespace: EMF_NAMESPACE, Period: 28800, Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching' });
    expect(quiet.Errors).toMatchObject({ Namespace: 'AWS/Lambda', Dimensions: [{ Name: 'FunctionName', Value: '<Ref Function>' }], Threshold: 1 });
    expect([EMF_METRICS.tokenSecondsLeft, EMF_METRICS.allTargetsRefreshed]).toEqual(['TokenSecondsLeft', 'AllTargetsRefreshed']);
    for (const alarm of Object.values(quiet)) expect(alarm.AlarmActions).toBeUndefined();

    const resources = stack({ ...withSecret, AlarmEmail: 'ops@example.com' }).resources;
    expect(resources.AlarmTopic!.Properties.Subscription).toEqual([{ Protocol: 'email', Endpoint: 'ops@example.com' }]);
    for (const alarm of Object.values(alarms({ ...withSecret, AlarmEmail: 'ops@example.com' }))) {
      expect(alarm.AlarmActions).toEqual(['<Ref AlarmTopic>']);
    }
    expect(stack(withSecret).resources.AlarmTopic).toBeUndefined();
  });
});
