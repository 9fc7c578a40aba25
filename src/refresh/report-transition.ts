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
  refreshMarginMs: number;
}

export function reportSuccess(deps: ReportDeps, entry: TargetEntry, plan: SinkPlan, actions: TargetAction[], log: Logger) {
  const { expiresAt } = plan.token;
  deps.observer.recordSuccess(entry.labels, { at: deps.now(), expiresAt, lifetimeMs: entry.record.lifetimeMs });
  log.info(
    { secretSet: entry.name, ...plan.details, expiresAt: new Date(expiresAt).toISOString() },
    'secret set refreshed and ready',
  );
  const short = actions.find((a) => a.kind === 'short-token');
  if (short) {
    log.warn(
      {
        secretSet: entry.name,
        registry: entry.labels.registry,
        tokenLifetimeSeconds: Math.round(short.lifetimeMs / 1000),
        refreshMarginSeconds: Math.round(deps.refreshMarginMs / 1000),
        refreshEverySeconds: Math.round(short.refreshEveryMs / 1000),
        note:
          'the token lives less than twice REFRESH_MARGIN, so it is refreshed at half its life instead of at the margin; ' +
          'an outage longer than that half lets the token in the secret expire. ECR tokens normally live 12 h: ' +
          "check this host's clock, and lower REFRESH_MARGIN to under half the lifetime seen here",
      },
      'ECR token lives shorter than the refresh margin allows for',
    );
  }
  const recovered = actions.find((a) => a.kind === 'recovered');
  if (recovered) riskEvent(deps, entry, 'recovered', log, recovered.alert);
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
  if (!error.retryable) {
    // Permanent: a person must act. The daemon still tries again slowly, so that it
    // heals as soon as they have; a one-shot run leaves that to its next run.
    if (retry) log.error({ ...fields, retryInMs: retry.delayMs }, 'refresh failed with a permanent error; a person must act, retrying slowly meanwhile');
    else log.error(fields, 'refresh failed with a permanent error; not retrying');
  } else if (retry) log.warn({ ...fields, retryInMs: retry.delayMs }, 'refresh failed; will retry');
  else log.warn(fields, 'refresh failed');
  if (actions.some((a) => a.kind === 'at-risk')) log.error({ event: 'at_risk', secretSet: entry.name, registry: entry.labels.registry }, 'target at risk');
  if (actions.some((a) => a.kind === 'alert')) riskEvent(deps, entry, 'at_risk', log, true);
}

/** The log line of a recovery, and the webhook event when `send` (an at-risk one, or the recovery of an alerted episode). */
function riskEvent(deps: ReportDeps, entry: TargetEntry, kind: RiskEvent['kind'], log: Logger, send: boolean) {
  const { record } = entry;
  const failure = kind === 'at_risk' ? record.lastFailure : undefined;
  const registry = entry.labels.registry;
  if (kind === 'recovered') log.info({ event: kind, secretSet: entry.name, registry }, 'target recovered');
  if (!send) return;
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
