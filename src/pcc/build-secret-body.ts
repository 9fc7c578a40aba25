// Builds the PUT body for a secret set in one of the two documented shapes.
import type { EcrToken } from '../ecr/ecr-token.js';
import type { ImagePullSecretBody, SecretBody, TripletBody } from './secret-set.js';

export type ResolvedFormat = 'triplet' | 'image-pull-secret';

export function buildSecretBody(format: ResolvedFormat, token: EcrToken, region: string | undefined): SecretBody {
  const regionField = region ? { region } : {};
  if (format === 'triplet') {
    const body: TripletBody = {
      secrets: [
        { secretKey: 'username', secretValue: 'AWS' },
        { secretKey: 'password', secretValue: token.password },
        { secretKey: 'registry', secretValue: token.registryHost },
      ],
      ...regionField,
    };
    return body;
  }
  const body: ImagePullSecretBody = {
    isImagePullSecret: true,
    host: token.proxyEndpoint,
    // base64("AWS:<password>") on one line, which is exactly the token ECR issues.
    secretValue: token.authorizationToken,
    ...regionField,
  };
  return body;
}

/** The same body with every secret value replaced by its length, for --dry-run and logs. */
export function redactSecretBody(body: SecretBody): unknown {
  if ('isImagePullSecret' in body) {
    return { ...body, secretValue: `[REDACTED ${body.secretValue.length} chars]` };
  }
  return {
    ...body,
    secrets: body.secrets.map((s) =>
      s.secretKey === 'password' ? { ...s, secretValue: `[REDACTED ${s.secretValue.length} chars]` } : s,
    ),
  };
}
