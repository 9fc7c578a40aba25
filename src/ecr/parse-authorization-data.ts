// Validates one GetAuthorizationToken reply. A reply that would push a broken
// credential (no data, undecodable token, expired, bad endpoint) is refused
// here, before anything reaches the secrets API.
import { OutboundError } from '../errors/outbound-error.js';
import type { EcrToken } from './ecr-token.js';

interface AuthorizationData {
  authorizationToken?: string;
  expiresAt?: Date;
  proxyEndpoint?: string;
}

const HOST_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(:\d+)?$/i;

export function parseAuthorizationData(
  data: AuthorizationData[] | undefined,
  call: { context: string; endpoint: string },
  now: number,
): EcrToken {
  const fail = (what: string, reason: 'bad_response' | 'token_expired' = 'bad_response') =>
    new OutboundError(`ECR GetAuthorizationToken ${call.endpoint} for ${call.context} returned ${what}`, {
      code: 'ERR_OUTBOUND_REPLY',
      reason,
      retryable: true,
      endpoint: call.endpoint,
      ...(reason === 'token_expired' && { fix: "set this host's clock right (NTP): ECR's token looks expired from here" }),
    });

  const entry = data?.[0];
  if (!entry) throw fail('no authorizationData');
  const { authorizationToken, expiresAt, proxyEndpoint } = entry;
  if (!authorizationToken) throw fail('an entry without authorizationToken');

  const decoded = Buffer.from(authorizationToken, 'base64').toString('utf8');
  if (!decoded.startsWith('AWS:') || decoded.length <= 4 || !/^[A-Za-z0-9+/=\s]+$/.test(authorizationToken)) {
    throw fail('an authorizationToken that is not base64 of "AWS:<password>"');
  }
  const password = decoded.slice(4);

  const expiresAtMs = expiresAt instanceof Date ? expiresAt.getTime() : Number.NaN;
  if (!Number.isFinite(expiresAtMs)) throw fail('no valid expiresAt');
  if (expiresAtMs <= now) {
    throw fail(`a token that expired at ${new Date(expiresAtMs).toISOString()} (check the clock of this host)`, 'token_expired');
  }

  let url: URL | undefined;
  try {
    url = proxyEndpoint ? new URL(proxyEndpoint) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'https:' || !HOST_PATTERN.test(url.host) || (url.pathname !== '/' && url.pathname !== '')) {
    throw fail(`a malformed proxyEndpoint ${JSON.stringify(String(proxyEndpoint ?? '')).slice(0, 120)}`);
  }

  return {
    password,
    authorizationToken: authorizationToken.replace(/\s+/g, ''),
    expiresAt: expiresAtMs,
    mintedAt: now,
    proxyEndpoint: `https://${url.host}`,
    registryHost: url.host,
  };
}
