// Turns what happened to a target into Prometheus series. Callers say what
// happened (configured, attempted, succeeded, failed); this module alone knows
// which series that touches and their housekeeping, such as keeping a single
// last_failure_info series per target.
import type { Metrics, TargetLabels } from './create-metrics.js';

export interface TargetFailure {
  stage: string;
  reason: string;
  consecutiveFailures: number;
  atRisk: boolean;
  /** The destination was seen failed or stuck, not merely unreachable. */
  notReady: boolean;
}

export interface TargetObserver {
  targetConfigured(labels: TargetLabels, info: { format: string; pccRegion?: string }): void;
  attempt(labels: TargetLabels, stage: string): void;
  recordSuccess(labels: TargetLabels, outcome: { at: number; expiresAt: number; lifetimeMs?: number }): void;
  recordFailure(labels: TargetLabels, failure: TargetFailure): void;
  nextRefresh(labels: TargetLabels, at: number): void;
  refreshInterval(labels: TargetLabels, ms: number): void;
}

/** How a client reports one outbound request: its operation, HTTP status (or "error") and duration. */
export type RequestTimer = (operation: string, status: string, seconds: number) => void;

export function createTargetObserver(metrics: Metrics | undefined): TargetObserver {
  const lastFailure = new Map<string, { stage: string; reason: string }>();
  const key = (labels: TargetLabels) => `${labels.secret_set}\u0000${labels.registry}`;
  const dropLastFailure = (labels: TargetLabels) => {
    const previous = lastFailure.get(key(labels));
    if (previous) metrics?.lastFailureInfo.remove({ ...labels, ...previous });
    lastFailure.delete(key(labels));
  };
  return {
    targetConfigured(labels, info) {
      metrics?.targetInfo.set({ ...labels, format: info.format, pcc_region: info.pccRegion ?? '' }, 1);
      metrics?.consecutiveFailures.set(labels, 0);
      metrics?.atRisk.set(labels, 0);
    },
    attempt(labels, stage) {
      metrics?.attempts.inc({ ...labels, stage });
    },
    recordSuccess(labels, outcome) {
      dropLastFailure(labels);
      metrics?.lastSuccess.set(labels, outcome.at / 1000);
      metrics?.tokenExpiry.set(labels, outcome.expiresAt / 1000);
      if (outcome.lifetimeMs !== undefined) metrics?.tokenLifetime.set(labels, outcome.lifetimeMs / 1000);
      metrics?.consecutiveFailures.set(labels, 0);
      metrics?.secretReady.set(labels, 1);
      metrics?.atRisk.set(labels, 0);
    },
    recordFailure(labels, failure) {
      dropLastFailure(labels);
      const cause = { stage: failure.stage, reason: failure.reason };
      lastFailure.set(key(labels), cause);
      metrics?.failures.inc({ ...labels, ...cause });
      metrics?.consecutiveFailures.set(labels, failure.consecutiveFailures);
      metrics?.lastFailureInfo.set({ ...labels, ...cause }, 1);
      if (failure.notReady) metrics?.secretReady.set(labels, 0);
      if (failure.atRisk) metrics?.atRisk.set(labels, 1);
    },
    nextRefresh(labels, at) {
      metrics?.nextRefresh.set(labels, at / 1000);
    },
    refreshInterval(labels, ms) {
      metrics?.refreshInterval.set(labels, ms / 1000);
    },
  };
}

/** The request timer for one of the upstream services, or none without metrics. */
export function requestTimer(metrics: Metrics | undefined, service: 'ecr' | 'secrets-api' | 'kubernetes'): RequestTimer | undefined {
  if (!metrics) return undefined;
  const histogram = { ecr: metrics.ecrRequestDuration, 'secrets-api': metrics.secretsApiRequestDuration, kubernetes: metrics.kubernetesApiRequestDuration }[service];
  return (operation, status, seconds) => histogram.observe({ operation, status }, seconds);
}
