import { describe, expect, it } from 'vitest';
import { buildSecretBody, redactSecretBody } from '../../src/pcc/build-secret-body.js';
import type { EcrToken } from '../../src/ecr/ecr-token.js';

const password = 'eyJwYXlsb2FkIjoi'.repeat(100);
const token: EcrToken = {
  password,
  authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
  expiresAt: 0,
  proxyEndpoint: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com',
  registryHost: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
};

describe('buildSecretBody', () => {
  it('builds the triplet from the ECR guide', () => {
    expect(buildSecretBody('triplet', token, 'us-west')).toEqual({
      secrets: [
        { secretKey: 'username', secretValue: 'AWS' },
        { secretKey: 'password', secretValue: password },
        { secretKey: 'registry', secretValue: '123456789012.dkr.ecr.us-east-1.amazonaws.com' },
      ],
      region: 'us-west',
    });
  });

  it('builds an image pull secret whose value is one line of base64 of AWS:<token>', () => {
    const body = buildSecretBody('image-pull-secret', token, undefined) as { secretValue: string; host: string };
    expect(body).toMatchObject({ isImagePullSecret: true, host: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com' });
    expect(body).not.toHaveProperty('region');
    expect(body.secretValue).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(body.secretValue, 'base64').toString()).toBe(`AWS:${password}`);
  });

  it('redacts every secret value, keeping its length', () => {
    for (const format of ['triplet', 'image-pull-secret'] as const) {
      const text = JSON.stringify(redactSecretBody(buildSecretBody(format, token, 'us-west')));
      expect(text).not.toContain(password);
      expect(text).not.toContain(token.authorizationToken);
      expect(text).toMatch(/\[REDACTED \d+ chars\]/);
    }
  });
});
