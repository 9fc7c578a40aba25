// Outbound HTTP through a forward proxy, the way most tools read it from the
// environment: HTTPS_PROXY / HTTP_PROXY (either case) and NO_PROXY. It covers
// the Pipecat Cloud API, the alert webhook and the Pushgateway; the AWS SDK
// does not read these variables, so ECR is reached directly or through a VPC
// endpoint (AWS_ENDPOINT_URL_ECR).
import { EnvHttpProxyAgent, type Dispatcher } from 'undici';

type Env = Record<string, string | undefined>;

/** A proxy variable in either case, upper case first; empty counts as unset. */
function proxyVariable(env: Env, name: 'HTTP_PROXY' | 'HTTPS_PROXY' | 'NO_PROXY'): string | undefined {
  return env[name] || env[name.toLowerCase()] || undefined;
}

export function createProxyDispatcher(env: Env): Dispatcher | undefined {
  const httpProxy = proxyVariable(env, 'HTTP_PROXY');
  const httpsProxy = proxyVariable(env, 'HTTPS_PROXY');
  if (!httpProxy && !httpsProxy) return undefined;
  // proxyTunnel: http:// targets (a Pushgateway, a webhook) go through a CONNECT tunnel too, as
  // https:// ones do; undici 8 would otherwise send them to the proxy as absolute-URI requests,
  // which proxies that only tunnel refuse.
  return new EnvHttpProxyAgent({ httpProxy, httpsProxy, noProxy: proxyVariable(env, 'NO_PROXY') ?? '', proxyTunnel: true });
}

/** The proxy URL without credentials, for the start-up log line. */
export function describeProxy(env: Env): string | undefined {
  const raw = proxyVariable(env, 'HTTPS_PROXY') ?? proxyVariable(env, 'HTTP_PROXY');
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}`;
  } catch {
    return 'set (unparsable URL)';
  }
}
