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
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { BasicAuth, Config } from '../config/config.js';
import { OutboundError, networkError } from '../errors/outbound-error.js';
import { endpointOf } from '../http/endpoint.js';
import { readCappedBody, serverMessage, statusMeaning } from '../http/reply.js';
import { METRIC_PREFIX, type Metrics } from './create-metrics.js';

export const PUSH_JOB = 'ecr-token-refresher';

/** Every form the credentials take on the way out, for the log scrubber: the password, user:password and its base64. */
export function basicAuthSecrets(auth: BasicAuth): string[] {
  const pair = `${auth.username}:${auth.password}`;
  return [auth.password, pair, Buffer.from(pair).toString('base64')];
}

/** The gateway's reply is a short text; anything longer is not one. */
const MAX_REPLY_BYTES = 64 * 1024;

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
      reply = await readCappedBody(
        response.body,
        MAX_REPLY_BYTES,
        () => new OutboundError(`${what} sent a reply larger than ${MAX_REPLY_BYTES} bytes`, { code: 'ERR_OUTBOUND_REPLY', reason: 'bad_response', retryable: true, endpoint }),
      );
    } catch (error) {
      if (error instanceof OutboundError) throw error;
      throw networkError(what, endpoint, error);
    }
    if (status >= 300) {
      const refused = status === 401 || status === 403;
      const fix = refused ? (options.auth ? FIX_AUTH : 'the Pushgateway asks for credentials: set PUSHGATEWAY_AUTH_FILE to a file holding user:password') : undefined;
      const said = serverMessage(reply, secrets);
      throw new OutboundError(`${what} answered HTTP ${status}${said ? `: ${said}` : ''}${fix ? ` (${fix})` : ''}`, {
        code: 'ERR_OUTBOUND_STATUS',
        ...statusMeaning(status),
        status,
        endpoint,
        fix,
      });
    }
    pushed.push(path);
  }
  return pushed;
}

/**
 * After a one-shot run: no scrape can reach a process that has already exited,
 * so its metrics go to the Pushgateway, if one is configured; the URL logged
 * has no credentials (loadConfig moved them to pushgatewayAuth). False if that
 * failed.
 */
export async function pushRunMetrics(config: Config, metrics: Metrics, logger: Logger, dispatcher: Dispatcher | undefined): Promise<boolean> {
  if (!config.pushgatewayUrl) return true;
  try {
    const groups = await pushToGateway({
      gatewayUrl: config.pushgatewayUrl,
      auth: config.pushgatewayAuth,
      registry: metrics.registry,
      timeoutMs: config.requestTimeoutMs,
      dispatcher,
    });
    logger.info({ pushgateway: config.pushgatewayUrl, groups: groups.length }, 'metrics pushed to the Pushgateway');
    return true;
  } catch (error) {
    logger.error({ err: error }, 'pushing metrics to the Pushgateway failed');
    return false;
  }
}

// Splits a Prometheus text exposition into groups by a label's value: one
// group per value, plus one ("") for the series without that label. Metric
// families keep their HELP and TYPE lines in every group that has samples.
export function splitExposition(text: string, label: string): Map<string, string> {
  const groups = new Map<string, string[]>();
  let header: string[] = [];
  let headerUsedBy = new Set<string>();
  const pattern = new RegExp(`[{,]${label}="((?:[^"\\\\]|\\\\.)*)"`);

  for (const line of text.split('\n')) {
    if (line.startsWith('# HELP')) {
      header = [line];
      headerUsedBy = new Set();
      continue;
    }
    if (line.startsWith('# TYPE')) {
      header.push(line);
      continue;
    }
    if (line.trim() === '' || line.startsWith('#')) continue;
    const key = pattern.exec(line)?.[1] ?? '';
    let lines = groups.get(key);
    if (!lines) groups.set(key, (lines = []));
    if (!headerUsedBy.has(key)) {
      lines.push(...header);
      headerUsedBy.add(key);
    }
    lines.push(line);
  }
  return new Map([...groups].map(([key, lines]) => [key, `${lines.join('\n')}\n`]));
}
