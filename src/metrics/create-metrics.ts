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
  const registers = [registry];
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Gauge<L>({ name: `${METRIC_PREFIX}${name}`, help, labelNames, registers });
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name: `${METRIC_PREFIX}${name}`, help, labelNames, registers });
  const requests = (name: string, help: string) =>
    new Histogram({ name: `${METRIC_PREFIX}${name}`, help, labelNames: ['operation', 'status'], buckets: REQUEST_BUCKETS, registers });

  gauge('build_info', 'Always 1; the version label says which build is running.', ['version']).set({ version: options.version }, 1);
  // 1 unless leader election says otherwise: a process without it is the only writer.
  const leader = gauge('leader', '1 while this process refreshes (leader election off, or holding the Lease); 0 while it stands by.', []);
  leader.set(1);

  return {
    registry,
    targetInfo: gauge('target_info', 'Always 1 for every configured target.', [...TARGET_LABELS, 'format', 'pcc_region']),
    lastSuccess: gauge('last_success_timestamp_seconds', 'Unix time of the last refresh whose secret set was confirmed ready.', TARGET_LABELS),
    tokenExpiry: gauge('token_expiry_timestamp_seconds', 'Unix time at which the token last pushed and confirmed expires.', TARGET_LABELS),
    tokenLifetime: gauge(
      'token_lifetime_seconds',
      'How long the token last pushed and confirmed lived from its mint to its expiry, as seen by this host.',
      TARGET_LABELS,
    ),
    nextRefresh: gauge('next_refresh_timestamp_seconds', 'Unix time of the next refresh due for the target.', TARGET_LABELS),
    refreshInterval: gauge('refresh_interval_seconds', 'Longest gap between two scheduled refreshes, jitter included.', TARGET_LABELS),
    attempts: counter('refresh_attempts_total', 'Refresh attempts per stage (mint, push, confirm).', [...TARGET_LABELS, 'stage']),
    failures: counter('refresh_failures_total', 'Failed refresh attempts per stage and reason.', [...TARGET_LABELS, 'stage', 'reason']),
    consecutiveFailures: gauge('consecutive_failures', 'Failed attempts since the last success.', TARGET_LABELS),
    lastFailureInfo: gauge(
      'last_failure_info',
      'Always 1: stage and reason of the most recent failure; removed on success.',
      [...TARGET_LABELS, 'stage', 'reason'],
    ),
    secretReady: gauge('secret_ready', '1 when the secret set was last seen ready, 0 when failed or stuck pending.', TARGET_LABELS),
    atRisk: gauge(
      'at_risk',
      '1 when the target is failing with less than the refresh margin left, or its provisioning failed.',
      TARGET_LABELS,
    ),
    ecrRequestDuration: requests('ecr_request_duration_seconds', 'Duration of ECR API calls by operation and HTTP status (or "error").'),
    secretsApiRequestDuration: requests(
      'secrets_api_request_duration_seconds',
      'Duration of Pipecat Cloud secrets API calls by operation and HTTP status (or "error").',
    ),
    kubernetesApiRequestDuration: requests(
      'kubernetes_api_request_duration_seconds',
      'Duration of Kubernetes API calls by operation (verb and resource) and HTTP status (or "error").',
    ),
    leader,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
