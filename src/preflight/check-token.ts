// What a minted token must be for a refresh to keep the targets usable: for
// the registry asked for, and living longer than the refresh margin (or every
// refresh would already be due). Problems, never thrown: the sinks are still
// checked with the token.
import type { EcrToken, MintKey } from '../ecr/ecr-token.js';

export interface TokenProblem {
  code: 'ERR_PREFLIGHT_TOKEN';
  reason: 'token_expired' | 'bad_response';
  message: string;
  fix: string;
}

export function checkToken(token: EcrToken, key: MintKey, now: number, refreshMarginMs: number): TokenProblem[] {
  const problems: TokenProblem[] = [];
  const lifetimeMs = token.expiresAt - now;
  if (lifetimeMs <= refreshMarginMs) {
    problems.push({
      code: 'ERR_PREFLIGHT_TOKEN',
      reason: 'token_expired',
      message: `the token expires in ${Math.round(lifetimeMs / 60_000)} min, inside REFRESH_MARGIN (${Math.round(refreshMarginMs / 60_000)} min), so every refresh would already be late`,
      fix: "lower REFRESH_MARGIN below the token's lifetime (ECR tokens live 12 h), or check this host's clock",
    });
  }
  if (key.registryId && !token.registryHost.startsWith(`${key.registryId}.`)) {
    problems.push({
      code: 'ERR_PREFLIGHT_TOKEN',
      reason: 'bad_response',
      message: `ECR issued a token for ${token.registryHost}, not for registry ${key.registryId}`,
      fix: 'check ECR_REGISTRY_ID (the 12-digit account id of the registry) and the AWS endpoint override',
    });
  }
  return problems;
}
