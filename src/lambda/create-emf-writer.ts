// CloudWatch Embedded Metric Format, written by hand: one JSON log line per
// target per invocation, which CloudWatch Logs turns into metrics without any
// API call or agent. Each line carries the metric under two dimension sets:
// per secret set (for dashboards) and with no dimension at all, so one alarm
// covers every set without the template having to know their names. A last
// line says whether the whole invocation refreshed every target.
// Hand-written rather than aws-embedded-metrics: the format is a few fields,
// the library brings its own environment detection, sinks and an async flush,
// and the bundle stays small.
import type { TargetOutcome } from '../refresh/create-engine.js';
import type { Clock } from '../schedule/clock.js';

export const EMF_NAMESPACE = 'EcrTokenRefresher';

export const EMF_METRICS = {
  tokenSecondsLeft: 'TokenSecondsLeft',
  refreshSuccess: 'RefreshSuccess',
  refreshFailure: 'RefreshFailure',
  refreshDuration: 'RefreshDuration',
  allTargetsRefreshed: 'AllTargetsRefreshed',
} as const;

export interface EmfWriter {
  /** Writes the lines of one invocation: its targets' outcomes and how long the cycle took. */
  record(outcomes: TargetOutcome[], durationMs: number): void;
}

export function createEmfWriter(options: { write: (line: string) => void; clock: Clock; namespace?: string }): EmfWriter {
  const namespace = options.namespace ?? EMF_NAMESPACE;
  const envelope = (metrics: { Name: string; Unit: string }[], dimensions: string[][]) => ({
    Timestamp: options.clock.now(),
    CloudWatchMetrics: [{ Namespace: namespace, Dimensions: dimensions, Metrics: metrics }],
  });
  const emit = (record: object) => options.write(`${JSON.stringify(record)}\n`);

  return {
    record(outcomes, durationMs) {
      const now = options.clock.now();
      for (const outcome of outcomes) {
        const metrics: { Name: string; Unit: string }[] = [
          { Name: EMF_METRICS.refreshSuccess, Unit: 'Count' },
          { Name: EMF_METRICS.refreshFailure, Unit: 'Count' },
          { Name: EMF_METRICS.refreshDuration, Unit: 'Milliseconds' },
        ];
        // A failed target pushed no token, so there is no new expiry to report.
        const left = outcome.ok && outcome.expiresAt !== undefined ? Math.round((outcome.expiresAt - now) / 1000) : undefined;
        if (left !== undefined) metrics.unshift({ Name: EMF_METRICS.tokenSecondsLeft, Unit: 'Seconds' });
        emit({
          _aws: envelope(metrics, [['SecretSet'], []]),
          SecretSet: outcome.name,
          ...(left !== undefined ? { [EMF_METRICS.tokenSecondsLeft]: left, tokenExpiresAt: new Date(outcome.expiresAt!).toISOString() } : {}),
          [EMF_METRICS.refreshSuccess]: outcome.ok ? 1 : 0,
          [EMF_METRICS.refreshFailure]: outcome.ok ? 0 : 1,
          [EMF_METRICS.refreshDuration]: durationMs,
          ...(outcome.error ? { stage: outcome.error.stage, reason: outcome.error.reason } : {}),
        });
      }
      emit({
        _aws: envelope([{ Name: EMF_METRICS.allTargetsRefreshed, Unit: 'Count' }], [[]]),
        [EMF_METRICS.allTargetsRefreshed]: outcomes.length > 0 && outcomes.every((o) => o.ok) ? 1 : 0,
        targets: outcomes.length,
      });
    },
  };
}
