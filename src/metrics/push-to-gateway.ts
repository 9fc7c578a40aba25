// One-shot mode's metrics: at the end of a --once run, each target's series
// are pushed to a Prometheus Pushgateway in a group of their own
// (job + secret_set), and the series shared by all targets (request
// histograms, build info) in the job's own group. A target confirmed in this
// run is PUT, replacing its group; a target whose run failed has no expiry of
// its own, so it is POSTed, which replaces only the series it sends and keeps
// the last success and token expiry of the earlier run that pushed the token
// still in the secret set: the expiry alerts keep counting down while runs fail.
// Basic auth, when configured, goes in the Authorization header only; the
// gateway's reply is quoted in errors with those credentials taken out.
import { request, type Dispatcher } from 'undici';
import type { Registry } from 'prom-client';
import type { BasicAuth } from '../config/config.js';
import { OutboundError, endpointOf, networkError } from '../errors/outbound-error.js';
import { redactSecrets } from '../log/redact-secrets.js';
import { METRIC_PREFIX } from './create-metrics.js';
import { splitExposition } from './split-exposition.js';

export const PUSH_JOB = 'ecr-token-refresher';

/** Every form the credentials take on the way out, for the log scrubber: the password, user:password and its base64. */
export function basicAuthSecrets(auth: BasicAuth): string[] {
  const pair = `${auth.username}:${auth.password}`;
  return [auth.password, pair, Buffer.from(pair).toString('base64')];
}

const FIX_AUTH = 'check PUSHGATEWAY_AUTH_FILE (or the user:password in PUSHGATEWAY_URL) against the users the Pushgateway accepts';

export async function pushToGateway(options: {
  gatewayUrl: string;
  registry: Registry;
  timeoutMs: number;
  dispatcher?: Dispatcher;
  job?: string;
  auth?: BasicAuth;
}): Promise<string[]> {
  const base = options.gatewayUrl.replace(/\/+$/, '');
  const authorization = options.auth && { authorization: `Basic ${basicAuthSecrets(options.auth)[2]}` };
  const secrets = options.auth ? basicAuthSecrets(options.auth) : [];
  const endpoint = endpointOf(base);
  const job = encodeURIComponent(options.job ?? PUSH_JOB);
  // Only the refresher's own series: a finished process's memory and GC
  // figures would sit in the Pushgateway forever and mean nothing.
  const text = (await options.registry.metrics())
    .split('\n')
    .filter((line) => (line.startsWith('#') ? line.split(' ')[2] : line)?.startsWith(METRIC_PREFIX))
    .join('\n');
  const pushed: string[] = [];
  for (const [secretSet, body] of splitExposition(text, 'secret_set')) {
    const path = secretSet ? `/metrics/job/${job}/secret_set/${encodeURIComponent(secretSet)}` : `/metrics/job/${job}`;
    const confirmed = !secretSet || body.includes(`${METRIC_PREFIX}token_expiry_timestamp_seconds{`);
    const method = confirmed ? 'PUT' : 'POST';
    const what = `Pushgateway ${method} ${endpoint}${path}`;
    let status: number;
    let reply: string;
    try {
      const response = await request(`${base}${path}`, {
        method,
        body,
        dispatcher: options.dispatcher,
        headers: { 'content-type': 'text/plain; version=0.0.4', ...authorization },
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      status = response.statusCode;
      reply = await response.body.text();
    } catch (error) {
      throw networkError(what, endpoint, error);
    }
    if (status >= 300) {
      const refused = status === 401 || status === 403;
      const fix = refused ? (options.auth ? FIX_AUTH : 'the Pushgateway asks for credentials: set PUSHGATEWAY_AUTH_FILE to a file holding user:password') : undefined;
      const said = redactSecrets(reply, secrets).replace(/\s+/g, ' ').trim().slice(0, 200);
      throw new OutboundError(`${what} answered HTTP ${status}: ${said}${fix ? ` (${fix})` : ''}`, {
        code: 'ERR_OUTBOUND_STATUS',
        reason: refused ? 'unauthorized' : status >= 500 ? 'server_error' : 'bad_request',
        retryable: status >= 500 || status === 429,
        status,
        endpoint,
        fix,
      });
    }
    pushed.push(path);
  }
  return pushed;
}
