// Says what a settled refresh means, to the three audiences: the metrics
// observer, the log, and the risk notifier (at-risk and recovered events).
import type { Logger } from 'pino';
import type { RiskEvent } from '../alerts/risk-notifier.js';
import type { RefreshError } from '../errors/refresh-error.js';
import type { TargetObserver } from '../metrics/create-target-observer.js';
import type { SinkPlan } from '../sink/sink.js';
import type { TargetEntry } from './target-entry.js';
import type { TargetAction } from './target-transitions.js';

export interface ReportDeps {
  observer: TargetObserver;
  notify(event: RiskEvent, log: Logger): void;
  now(): number;
  daemon: boolean;
}

export function reportSuccess(deps: ReportDeps, entry: TargetEntry, plan: SinkPlan, actions: TargetAction[], log: Logger) {
  const { expiresAt } = plan.token;
  deps.observer.recordSuccess(entry.labels, { at: deps.now(), expiresAt });
  log.info(
    { secretSet: entry.name, ...plan.details, expiresAt: new Date(expiresAt).toISOString() },
    'secret set refreshed and ready',
  );
  if (actions.some((a) => a.kind === 'recovered')) riskEvent(deps, entry, 'recovered', log);
}

export function reportFailure(deps: ReportDeps, entry: TargetEntry, error: RefreshError, actions: TargetAction[], log: Logger) {
  const { record } = entry;
  deps.observer.recordFailure(entry.labels, {
    stage: error.stage,
    reason: error.reason,
    consecutiveFailures: record.consecutiveFailures,
    atRisk: record.atRisk,
    notReady: error.stage === 'confirm' && (error.reason === 'provisioning_failed' || error.reason === 'provisioning_timeout'),
  });
  const fields = {
    secretSet: entry.name,
    stage: error.stage,
    reason: error.reason,
    retryable: error.retryable,
    status: error.status,
    // The remote side that failed (scheme://host:port), so the log line says where to look.
    endpoint: error.endpoint,
    consecutiveFailures: record.consecutiveFailures,
    err: error,
  };
  const retry = actions.find((a) => a.kind === 'retry');
  if (retry) log.warn({ ...fields, retryInMs: retry.delayMs }, 'refresh failed; will retry');
  else if (error.retryable) log.warn(fields, 'refresh failed');
  else {
    log.error(
      fields,
      deps.daemon
        ? 'refresh failed with a permanent error; not retrying until the next scheduled run'
        : 'refresh failed with a permanent error; not retrying',
    );
  }
  if (actions.some((a) => a.kind === 'at-risk')) riskEvent(deps, entry, 'at_risk', log);
}

function riskEvent(deps: ReportDeps, entry: TargetEntry, kind: RiskEvent['kind'], log: Logger) {
  const { record } = entry;
  const failure = kind === 'at_risk' ? record.lastFailure : undefined;
  const registry = entry.labels.registry;
  const fields = { event: kind, secretSet: entry.name, registry };
  if (kind === 'at_risk') log.error(fields, 'target at risk');
  else log.info(fields, 'target recovered');
  deps.notify(
    {
      kind,
      secretSet: entry.name,
      registry,
      expiresAt: record.expiresAt,
      stage: failure?.stage,
      reason: failure?.reason,
      message: failure ? failure.message : kind === 'at_risk' ? 'refresh failing' : `secret set "${entry.name}" holds a fresh token again`,
    },
    log,
  );
}
