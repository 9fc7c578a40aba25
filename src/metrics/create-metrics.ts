// Owns every Prometheus series the refresher exports, on a registry of its own.
// Names carry their units; per-target series are labelled by secret set and
// registry so that alert rules can name both.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const METRIC_PREFIX = 'ecr_token_refresher_';

export interface TargetLabels {
  secret_set: string;
  registry: string;
}

const TARGET_LABELS = ['secret_set', 'registry'] as const;
const REQUEST_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createMetrics(options: { version: string; defaultMetrics?: boolean }) {
  const registry = new Registry();
  // The event-loop lag monitor samples every 10 ms by default: 100 wake-ups a
  // second (~1 % of a core) in a daemon that works a few seconds every hours.
  // Once a second still catches every stall of a second or more.
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 1000 });
  const p = METRIC_PREFIX;

  const buildInfo = new Gauge({
    name: `${p}build_info`,
    help: 'Always 1; the version label says which build is running.',
    labelNames: ['version'],
    registers: [registry],
  });
  buildInfo.set({ version: options.version }, 1);

  return {
    registry,
    targetInfo: new Gauge({
      name: `${p}target_info`,
      help: 'Always 1 for every configured target.',
      labelNames: [...TARGET_LABELS, 'format', 'pcc_region'],
      registers: [registry],
    }),
    lastSuccess: new Gauge({
      name: `${p}last_success_timestamp_seconds`,
      help: 'Unix time of the last refresh whose secret set was confirmed ready.',
      labelNames: TARGET_LABELS,
      registers: [registry],
    }),
    tokenExpiry: new Gauge({
      name: `${p}token_expiry_timestamp_seconds`,
      help: 'Unix time at which the token last pushed and confirmed expires.',
      labelNames: TARGET_LABELS,
      registers: [registry],
    }),
    nextRefresh: new Gauge({
      name: `${p}next_refresh_timestamp_seconds`,
      help: 'Unix time of the next refresh due for the target.',
      labelNames: TARGET_LABELS,
      registers: [registry],
    }),
    refreshInterval: new Gauge({
      name: `${p}refresh_interval_seconds`,
      help: 'Longest gap between two scheduled refreshes, jitter included.',
      labelNames: TARGET_LABELS,
      registers: [registry],
    }),
    attempts: new Counter({
      name: `${p}refresh_attempts_total`,
      help: 'Refresh attempts per stage (mint, push, confirm).',
      labelNames: [...TARGET_LABELS, 'stage'],
      registers: [registry],
    }),
    failures: new Counter({
      name: `${p}refresh_failures_total`,
      help: 'Failed refresh attempts per stage and reason.',
      labelNames: [...TARGET_LABELS, 'stage', 'reason'],
      registers: [registry],
    }),
    consecutiveFailures: new Gauge({
      name: `${p}consecutive_failures`,
      help: 'Failed attempts since the last success.',
      labelNames: TARGET_LABELS,
      registers: [registry],
    }),
    lastFailureInfo: new Gauge({
      name: `${p}last_failure_info`,
      help: 'Always 1: stage and reason of the most recent failure; removed on success.',
      labelNames: [...TARGET_LABELS, 'stage', 'reason'],
      registers: [registry],
    }),
    secretReady: new Gauge({
      name: `${p}secret_ready`,
      help: '1 when the secret set was last seen ready, 0 when failed or stuck pending.',
      labelNames: TARGET_LABELS,
      registers: [registry],
    }),
    atRisk: new Gauge({
      name: `${p}at_risk`,
      help: '1 when the target is failing with less than the refresh margin left, or its provisioning failed.',
      labelNames: TARGET_LABELS,
      registers: [registry],
    }),
    ecrRequestDuration: new Histogram({
      name: `${p}ecr_request_duration_seconds`,
      help: 'Duration of ECR API calls by operation and HTTP status (or "error").',
      labelNames: ['operation', 'status'],
      buckets: REQUEST_BUCKETS,
      registers: [registry],
    }),
    secretsApiRequestDuration: new Histogram({
      name: `${p}secrets_api_request_duration_seconds`,
      help: 'Duration of Pipecat Cloud secrets API calls by operation and HTTP status (or "error").',
      labelNames: ['operation', 'status'],
      buckets: REQUEST_BUCKETS,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
