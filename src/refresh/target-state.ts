// What the refresher remembers about one target between refreshes.
import type { TargetConfig } from '../config/config.js';
import type { RefreshError } from '../errors/refresh-error.js';
import type { TargetLabels } from '../metrics/create-metrics.js';
import type { TimerHandle } from '../schedule/clock.js';

export interface TargetState {
  target: TargetConfig;
  labels: TargetLabels;
  running: boolean;
  expiresAt?: number;
  consecutiveFailures: number;
  lastFailure?: RefreshError;
  /** Backoff step of the next retry; reset by a success. */
  retryAttempt: number;
  retryAt?: number;
  retryTimer?: TimerHandle;
  guardAt?: number;
  guardTimer?: TimerHandle;
  atRisk: boolean;
}

export function registryLabel(target: TargetConfig): string {
  return `${target.registryId ?? 'default'}/${target.awsRegion}`;
}

export function createTargetState(target: TargetConfig): TargetState {
  return {
    target,
    labels: { secret_set: target.secretSet, registry: registryLabel(target) },
    running: false,
    consecutiveFailures: 0,
    retryAttempt: 0,
    atRisk: false,
  };
}
