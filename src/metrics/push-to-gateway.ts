// One-shot mode's metrics: at the end of a --once run, each target's series
// are pushed to a Prometheus Pushgateway in a group of their own
// (job + secret_set), and the series shared by all targets (request
// histograms, build info) in the job's own group. A target confirmed in this
// run is PUT, replacing its group; a target whose run failed has no expiry of
// its own, so it is POSTed, which replaces only the series it sends and keeps
// the last success and token expiry of the earlier run that pushed the token
// still in the secret set: the expiry alerts keep counting down while runs fail.
import { request, type Dispatcher } from 'undici';
import type { Registry } from 'prom-client';
import { OutboundError, endpointOf, networkError } from '../errors/outbound-error.js';
import { METRIC_PREFIX } from './create-metrics.js';
import { splitExposition } from './split-exposition.js';

export const PUSH_JOB = 'ecr-token-refresher';

export async function pushToGateway(options: {
  gatewayUrl: string;
  registry: Registry;
  timeoutMs: number;
  dispatcher?: Dispatcher;
  job?: string;
}): Promise<string[]> {
  const base = options.gatewayUrl.replace(/\/+$/, '');
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
        headers: { 'content-type': 'text/plain; version=0.0.4' },
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
      throw new OutboundError(`${what} answered HTTP ${status}: ${reply.slice(0, 200)}`, {
        code: 'ERR_OUTBOUND_STATUS',
        reason: status >= 500 ? 'server_error' : 'bad_request',
        retryable: status >= 500 || status === 429,
        status,
        endpoint,
      });
    }
    pushed.push(path);
  }
  return pushed;
}
