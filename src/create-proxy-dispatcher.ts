// Outbound HTTP through a forward proxy, the way most tools read it from the
// environment: HTTPS_PROXY / HTTP_PROXY (either case) and NO_PROXY. It covers
// the Pipecat Cloud API, the alert webhook and the Pushgateway; the AWS SDK
// does not read these variables, so ECR is reached directly or through a VPC
// endpoint (AWS_ENDPOINT_URL_ECR).
import { EnvHttpProxyAgent, type Dispatcher } from 'undici';

export function createProxyDispatcher(env: Record<string, string | undefined>): Dispatcher | undefined {
  const pick = (name: string) => env[name] || env[name.toLowerCase()] || undefined;
  const httpProxy = pick('HTTP_PROXY');
  const httpsProxy = pick('HTTPS_PROXY');
  if (!httpProxy && !httpsProxy) return undefined;
  return new EnvHttpProxyAgent({ httpProxy, httpsProxy, noProxy: pick('NO_PROXY') ?? '' });
}

/** The proxy URL without credentials, for the start-up log line. */
export function describeProxy(env: Record<string, string | undefined>): string | undefined {
  const raw = env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy;
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}`;
  } catch {
    return 'set (unparsable URL)';
  }
}
