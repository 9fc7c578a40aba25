// The token a sink plans with when none could be minted, so that the sink's
// side (its key, the destination's type and region) is still checked. Its
// secrets are empty; `unknownLengths` marks them in the redacted preview.
import type { EcrToken, MintKey } from '../ecr/ecr-token.js';

/** ECR's token lifetime: a sink that reads the expiry sees a plausible one. */
const ECR_TOKEN_LIFETIME_MS = 12 * 3600_000;

export function unmintedToken(key: MintKey, now: number): EcrToken {
  const registryHost = `${key.registryId ?? 'ACCOUNT'}.dkr.ecr.${key.awsRegion}.amazonaws.com`;
  return { password: '', authorizationToken: '', expiresAt: now + ECR_TOKEN_LIFETIME_MS, proxyEndpoint: `https://${registryHost}`, registryHost };
}

const ZERO_LENGTH = /^\[REDACTED 0 chars\]$/;

/** The preview with each empty secret (`[REDACTED 0 chars]`) said to be of unknown length. */
export function unknownLengths<T>(value: T): T {
  if (typeof value === 'string') return (ZERO_LENGTH.test(value) ? '[REDACTED: length unknown, no token was minted]' : value) as T;
  if (Array.isArray(value)) return value.map(unknownLengths) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unknownLengths(v)])) as T;
  }
  return value;
}
