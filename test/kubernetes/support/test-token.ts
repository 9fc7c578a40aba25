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

/** The registry entry of a Secret's .dockerconfigjson as kubectl returns the object (the only one, unless a host is named). */
export function registryEntry(secret: { data?: Record<string, string> }, host?: string): { username: string; password: string; auth: string } {
  const json = JSON.parse(Buffer.from(secret.data?.['.dockerconfigjson'] ?? '', 'base64').toString('utf8')) as {
    auths: Record<string, { username: string; password: string; auth: string }>;
  };
  const hosts = Object.keys(json.auths);
  if (!host && hosts.length !== 1) throw new Error(`expected one registry in .dockerconfigjson, found ${hosts.length}`);
  return json.auths[host ?? hosts[0]!]!;
}
