// --dry-run: mint for every target, work out the request each would get, and
// print it with every secret value replaced by its length. Lists the sets to
// resolve the `auto` format (a read), and writes nothing.
import type { Config } from '../config/config.js';
import type { TokenMinter } from '../ecr/create-token-minter.js';
import { mintKeyId } from '../ecr/ecr-token.js';
import { buildSecretBody, redactSecretBody } from '../pcc/build-secret-body.js';
import type { SecretsClient } from '../pcc/create-secrets-client.js';
import { resolveFormat } from '../pcc/resolve-format.js';

export interface DryRunRequest {
  method: 'PUT';
  url: string;
  headers: Record<string, string>;
  body: unknown;
  tokenExpiresAt: string;
  creating: boolean;
}

export async function dryRun(deps: { config: Config; mint: TokenMinter; secrets: SecretsClient }): Promise<DryRunRequest[]> {
  const { config } = deps;
  const sets = await deps.secrets.listSets('push');
  const tokens = new Map<string, ReturnType<TokenMinter>>();
  const requests: DryRunRequest[] = [];
  for (const target of config.targets) {
    const id = mintKeyId(target);
    if (!tokens.has(id)) tokens.set(id, deps.mint(target));
    const token = await tokens.get(id)!;
    const plan = resolveFormat(target, sets.find((s) => s.name === target.secretSet));
    requests.push({
      method: 'PUT',
      url: `${config.apiUrl.replace(/\/+$/, '')}/secrets/${encodeURIComponent(target.secretSet)}`,
      headers: { authorization: 'Bearer [REDACTED]', 'content-type': 'application/json' },
      body: redactSecretBody(buildSecretBody(plan.format, token, plan.region)),
      tokenExpiresAt: new Date(token.expiresAt).toISOString(),
      creating: plan.creating,
    });
  }
  return requests;
}
