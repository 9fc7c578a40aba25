// What a target's settled result does: the pure transition gives the next
// record and actions; the record is kept, the outcome reported (metrics, log,
// alerts), and the actions handed to the driver — none once it is stopping.
import type { Logger } from 'pino';
import type { RiskEvent } from '../alerts/risk-notifier.js';
import type { Config } from '../config/config.js';
import type { TargetResult } from '../cycle/run-cycle.js';
import type { TargetObserver } from '../metrics/create-target-observer.js';
import type { Clock } from '../schedule/clock.js';
import type { EngineMode } from './create-engine.js';
import { reportFailure, reportSuccess } from './report-transition.js';
import type { TargetEntry } from './target-entry.js';
import { afterFailure, afterSuccess, type TransitionPolicy } from './target-transitions.js';

export function createSettle(deps: {
  config: Config;
  clock: Clock;
  mode: EngineMode;
  observer: TargetObserver;
  random?: () => number;
  isStopped(): boolean;
  notify(event: RiskEvent, log: Logger): void;
}) {
  const { config, clock, mode } = deps;
  const report = { observer: deps.observer, notify: deps.notify, now: () => clock.now(), daemon: mode.daemon, refreshMarginMs: config.refreshMarginMs };
  const policy = (): TransitionPolicy => ({
    now: clock.now(),
    refreshMarginMs: config.refreshMarginMs,
    daemon: mode.daemon,
    backoff: { initialDelayMs: config.retryInitialDelayMs, maxDelayMs: config.retryMaxDelayMs, random: deps.random },
  });
  return (entry: TargetEntry, result: TargetResult, log: Logger) => {
    const next = result.ok ? afterSuccess(entry.record, result.plan.token, policy()) : afterFailure(entry.record, result.error, policy());
    entry.record = next.record;
    entry.running = false;
    if (result.ok) reportSuccess(report, entry, result.plan, next.actions, log);
    else reportFailure(report, entry, result.error, next.actions, log);
    mode.onSettled?.(entry, deps.isStopped() ? [] : next.actions);
  };
}
