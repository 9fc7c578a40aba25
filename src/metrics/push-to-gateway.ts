// One-shot mode's metrics: at the end of a --once run, each target's series
// are PUT to a Prometheus Pushgateway in a group of their own
// (job + secret_set), and the series shared by all targets (request
// histograms, build info) in the job's own group. PUT replaces a group, so a
// target's last success and expiry always come from its latest run.
import { request, type Dispatcher } from 'undici';
import type { Registry } from 'prom-client';
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
    const response = await request(`${base}${path}`, {
      method: 'PUT',
      body,
      dispatcher: options.dispatcher,
      headers: { 'content-type': 'text/plain; version=0.0.4' },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const reply = await response.body.text();
    if (response.statusCode >= 300) {
      throw new Error(`Pushgateway PUT ${path} answered HTTP ${response.statusCode}: ${reply.slice(0, 200)}`);
    }
    pushed.push(path);
  }
  return pushed;
}
