// An ECR token as the minter hands it over, with a recognisable password.
import type { EcrToken } from '../../../src/ecr/ecr-token.js';

export const REGISTRY_HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

export function testToken(n: number, expiresAt = Date.now() + 12 * 3600_000): EcrToken {
  const password = `ecr-password-${n}-${'z'.repeat(40)}`;
  return {
    password,
    authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
    expiresAt,
    proxyEndpoint: `https://${REGISTRY_HOST}`,
    registryHost: REGISTRY_HOST,
  };
}

/** The registry entry of a Secret's .dockerconfigjson as kubectl returns the object. */
export function registryEntry(secret: { data?: Record<string, string> }): { username: string; password: string; auth: string } {
  const json = JSON.parse(Buffer.from(secret.data?.['.dockerconfigjson'] ?? '', 'base64').toString('utf8')) as {
    auths: Record<string, { username: string; password: string; auth: string }>;
  };
  return json.auths[REGISTRY_HOST]!;
}
