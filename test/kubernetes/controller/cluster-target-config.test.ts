// The cluster-wide form of `kubernetesSecret` as the configuration loader reads it from a file.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.js';
import { loadConfig } from '../../../src/config/load-config.js';

function load(file: string) {
  return loadConfig({ env: { AWS_REGION: 'us-east-1' }, once: false, configFile: 'c.yaml', readFile: () => file });
}

describe('a cluster-wide kubernetesSecret target in the config file', () => {
  it('is read as a destination of its own, named for its selection, next to a single-namespace one', () => {
    const config = load(
      'targets:\n' +
        '  - kubernetesSecret:\n      name: ecr-pull\n      namespaces: [agents, "team-*"]\n      namespaceSelector: "pipecat.ai/agents=true"\n      excludeNamespaces: ["kube-*"]\n      serviceAccounts: [default]\n' +
        '  - kubernetesSecret: { namespace: tools, name: ecr-pull }\n',
    );
    expect(config.targets.map((t) => [t.name, t.destination.kind, t.format])).toEqual([
      ['[agents,team-* -l pipecat.ai/agents=true]/ecr-pull', 'kubernetes-cluster', 'image-pull-secret'],
      ['tools/ecr-pull', 'kubernetes', 'image-pull-secret'],
    ]);
    const destination = config.targets[0]!.destination;
    expect(destination.kind === 'kubernetes-cluster' && destination.selection).toMatchObject({
      name: 'ecr-pull', excludeNamespaces: ['kube-*'], serviceAccounts: ['default'], prune: true,
    });
  });

  it('reports a misspelt key with its path and a suggestion, and every selection problem with it', () => {
    let error: unknown;
    try {
      load('targets:\n  - kubernetesSecret: { name: ecr-pull, namespace: agents, namespaceSelectr: "a=b", serviceAccounts: ["Bad*"] }\n');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const fields = (error as ConfigError).problems.map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['targets[0].kubernetesSecret.namespaceSelectr', 'targets[0].kubernetesSecret.serviceAccounts[0]']));
    expect((error as ConfigError).problems.find((p) => p.field.endsWith('namespaceSelectr'))!.message).toContain('namespaceSelector');
  });

  it('reads registries: the first is the target own mint key, every one goes into the Secret', () => {
    const config = load('targets:\n  - kubernetesSecret: { name: ecr-pull, namespaces: ["*"] }\n    registries:\n      - { awsRegion: us-east-1, registryId: "123456789012" }\n      - { awsRegion: eu-west-1, registryId: 210987654321, roleArn: "arn:aws:iam::210987654321:role/ecr-reader" }\n');
    const [target] = config.targets;
    expect(target).toMatchObject({ awsRegion: 'us-east-1', registryId: '123456789012' });
    expect(target!.destination).toMatchObject({
      registries: [
        { awsRegion: 'us-east-1', registryId: '123456789012' },
        { awsRegion: 'eu-west-1', registryId: '210987654321', roleArn: 'arn:aws:iam::210987654321:role/ecr-reader' },
      ],
    });
  });

  it('refuses registries on a Pipecat Cloud set, next to a target-level awsRegion, and a registry without a region', () => {
    let error: unknown;
    try {
      load('targets:\n  - secretSet: ecr-prod\n    registries: [{ awsRegion: us-east-1 }]\n  - kubernetesSecret: { name: p, namespaces: [a] }\n    awsRegion: us-east-1\n    registries: [{ registryId: "123456789012" }]\n');
    } catch (caught) {
      error = caught;
    }
    const problems = (error as ConfigError).problems;
    expect(problems.find((p) => p.field === 'targets[0].registries')!.message).toContain('applies only to a cluster-wide kubernetesSecret target');
    expect(problems.map((p) => p.field)).toEqual(expect.arrayContaining(['targets[1].awsRegion', 'targets[1].registries[0].awsRegion']));
  });

  it('reports a misspelt key of a registry with its path and a suggestion', () => {
    let error: unknown;
    try {
      load('targets:\n  - kubernetesSecret: { name: p, namespaces: [a] }\n    registries:\n      - { awsRegion: us-east-1, registryID: "123456789012" }\n');
    } catch (caught) {
      error = caught;
    }
    expect((error as ConfigError).problems).toContainEqual({ field: 'targets[0].registries[0].registryID', message: 'unknown key: did you mean `registryId`?' });
  });
});
