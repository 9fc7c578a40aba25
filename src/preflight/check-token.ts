// What a minted token must be for a refresh to keep the targets usable: for
// the registry asked for, and living at least twice the refresh margin (or the
// daemon refreshes it at half its life, with less room for an outage).
// Problems, never thrown: the sinks are still checked with the token.
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
  // Under twice the margin the daemon refreshes at half the token's life (see target-transitions.ts).
  if (lifetimeMs < 2 * refreshMarginMs) {
    problems.push({
      code: 'ERR_PREFLIGHT_TOKEN',
      reason: 'token_expired',
      message:
        `the token expires in ${Math.round(lifetimeMs / 60_000)} min, less than twice REFRESH_MARGIN (${Math.round(refreshMarginMs / 60_000)} min): ` +
        'the daemon would refresh it at half its life instead of at the margin, so an outage longer than that half lets it expire',
      fix: "lower REFRESH_MARGIN below half the token's lifetime (ECR tokens live 12 h), or check this host's clock",
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
