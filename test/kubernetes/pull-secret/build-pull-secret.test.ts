import { describe, expect, it } from 'vitest';
import { buildPullSecret, type SecretObject } from '../../../src/kubernetes/pull-secret/build-pull-secret.js';
import type { EcrToken } from '../../../src/ecr/ecr-token.js';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const token = (password: string): EcrToken => ({
  password,
  authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
  expiresAt: Date.UTC(2026, 11, 2, 0, 0, 0, 500),
  proxyEndpoint: `https://${HOST}`,
  registryHost: HOST,
});
const dockerConfig = (secret: SecretObject) => JSON.parse(Buffer.from(secret.data!['.dockerconfigjson']!, 'base64').toString('utf8'));

describe('buildPullSecret', () => {
  it('builds a dockerconfigjson Secret the kubelet can use, labelled and with the expiry annotated', () => {
    const secret = buildPullSecret({ namespace: 'agents', name: 'ecr-pull' }, token('pw-1'));
    expect(secret).toMatchObject({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/dockerconfigjson',
      metadata: {
        name: 'ecr-pull',
        namespace: 'agents',
        labels: { 'app.kubernetes.io/managed-by': 'ecr-token-refresher' },
        annotations: { 'ecr-token-refresher.pipecat.ai/expires-at': '2026-12-02T00:00:00Z' },
      },
    });
    expect(dockerConfig(secret)).toEqual({ auths: { [HOST]: { username: 'AWS', password: 'pw-1', auth: Buffer.from('AWS:pw-1').toString('base64') } } });
  });

  it('over an existing Secret changes only its own keys and keeps the resourceVersion for the update', () => {
    const existing: SecretObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'ecr-pull', namespace: 'agents', resourceVersion: '42', uid: 'u-1', labels: { team: 'voice' }, annotations: { note: 'keep me' } },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': 'e30=', extra: 'eA==' },
    };
    const secret = buildPullSecret({ namespace: 'agents', name: 'ecr-pull' }, token('pw-2'), existing);
    expect(secret.metadata).toMatchObject({ resourceVersion: '42', uid: 'u-1', labels: { team: 'voice', 'app.kubernetes.io/managed-by': 'ecr-token-refresher' }, annotations: { note: 'keep me' } });
    expect(secret.data!.extra).toBe('eA==');
    expect(dockerConfig(secret).auths[HOST].password).toBe('pw-2');
  });

  it("writes only its registry's entry into an existing .dockerconfigjson: a Docker Hub entry stays byte for byte", () => {
    const document = '{"auths": {"https://index.docker.io/v1/": {"auth": "ZG9ja2VyOmh1Yg=="}}, "credsStore": "desktop"}';
    const existing: SecretObject = {
      metadata: { name: 'shared', namespace: 'agents', resourceVersion: '7' },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from(document).toString('base64') },
    };
    const text = Buffer.from(buildPullSecret({ namespace: 'agents', name: 'shared' }, token('pw-3'), existing).data!['.dockerconfigjson']!, 'base64').toString();
    const ours = JSON.stringify({ username: 'AWS', password: 'pw-3', auth: Buffer.from('AWS:pw-3').toString('base64') });
    expect(text).toBe(`{"auths": {"https://index.docker.io/v1/": {"auth": "ZG9ja2VyOmh1Yg=="},"${HOST}":${ours}}, "credsStore": "desktop"}`);
  });

  it('leaves another manager named on the label alone', () => {
    const existing: SecretObject = { metadata: { name: 's', labels: { 'app.kubernetes.io/managed-by': 'Helm' } }, type: 'kubernetes.io/dockerconfigjson' };
    expect(buildPullSecret({ namespace: 'a', name: 's' }, token('p'), existing).metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'Helm' });
  });
});
