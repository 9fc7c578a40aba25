// What both drivers share: the configured targets, the cycle over some of
// them (one refresh of a target at a time), what a result does to each target
// (pure transitions, then metrics, logs and alerts), readiness, and draining
// the work in flight. When a cycle runs, and what a retry or guard action
// becomes, is up to the driver.
import type { Logger } from 'pino';
import type { RiskEvent, RiskNotifier } from '../alerts/risk-notifier.js';
import type { Config } from '../config/config.js';
import type { TokenMinter } from '../ecr/create-token-minter.js';
import type { EcrToken } from '../ecr/ecr-token.js';
import { createTargetObserver, type TargetObserver } from '../metrics/create-target-observer.js';
import type { CycleDeps, TargetResult } from '../cycle/run-cycle.js';
import type { Clock, Timers } from '../schedule/clock.js';
import { isTermEnded } from '../sink/fence-sinks.js';
import type { Sinks } from '../sink/sink.js';
import { createLimiter } from './create-limiter.js';
import { reportFailure, reportSuccess } from './report-transition.js';
import { runLoggedCycle, type TargetOutcome } from './run-logged-cycle.js';
import { createTargetEntries, type TargetEntry } from './target-entry.js';
import { afterFailure, afterSuccess, effectiveMarginMs, type TargetAction, type TransitionPolicy } from './target-transitions.js';
import { createInFlight } from './create-in-flight.js';

export type Trigger = 'startup' | 'schedule' | 'expiry-guard' | 'retry' | 'once';

export type { TargetOutcome } from './run-logged-cycle.js';

export interface EngineDeps {
  config: Config;
  clock: Clock;
  timers: Timers;
  mint: TokenMinter;
  /** The sink for each kind of destination configured targets name. */
  sinks: Sinks;
  logger: Logger;
  observer?: TargetObserver;
  notifier?: RiskNotifier;
  random?: () => number;
  /** Called with every token minted, so the process can scrub it from its output. */
  onToken?: (token: EcrToken) => void;
}

export interface EngineMode {
  daemon: boolean;
  /** The confirm wait of a target; a deadline-bound run shortens it. */
  confirmTimeoutMs?: () => number;
  /** Called once a target's result is settled, with what it asks for next. */
  onSettled?: (entry: TargetEntry, actions: TargetAction[]) => void;
}

export function createEngine(deps: EngineDeps, mode: EngineMode) {
  const { config, clock, logger } = deps;
  const observer = deps.observer ?? createTargetObserver(undefined);
  const entries = createTargetEntries(config.targets, deps.sinks);
  for (const entry of entries) observer.targetConfigured(entry.labels, entry.sink.info(entry.target));
  const { track, drain } = createInFlight(deps.timers);
  let cycleCounter = 0;
  let stopped = false;

  const settle = createSettle({
    config,
    clock,
    mode,
    observer,
    random: deps.random,
    isStopped: () => stopped,
    notify(event, log) {
      if (!deps.notifier) return;
      track(
        deps.notifier.notify(event).catch((error: unknown) => {
          log.warn({ err: error }, 'alert webhook delivery failed');
        }),
      );
    },
  });

  const cycleDeps: CycleDeps<TargetEntry> = {
    mint: deps.mint,
    onToken: deps.onToken,
    onStage: (entry, stage) => observer.attempt(entry.labels, stage),
    limiter: createLimiter(config.pushConcurrency),
    confirmTimeoutMs: mode.confirmTimeoutMs ?? (() => config.confirmTimeoutMs),
  };

  return {
    entries,
    observer,
    get stopped() {
      return stopped;
    },
    /** One cycle over the given targets; targets already being refreshed are skipped. */
    refresh(selected: TargetEntry[], trigger: Trigger): Promise<TargetOutcome[]> {
      const eligible = selected.filter((entry) => !entry.running);
      if (stopped || eligible.length === 0) return Promise.resolve([]);
      for (const entry of eligible) entry.running = true;
      const log = logger.child({ cycle: ++cycleCounter, trigger });
      return track(runLoggedCycle({ log, clock, cycleDeps, settle }, eligible));
    },
    /** Ready when every target holds a confirmed token with more than the margin in effect left (see target-transitions.ts). */
    isReady(): boolean {
      const now = clock.now();
      return entries.every(
        ({ record }) => record.expiresAt !== undefined && record.expiresAt - now > effectiveMarginMs(config.refreshMarginMs, record.lifetimeMs),
      );
    },
    /** No new cycles; waits (bounded) for the work in flight, then ends the sinks' waits. True when it all finished. */
    async stop(deadlineMs: number): Promise<boolean> {
      stopped = true;
      const drained = await drain(deadlineMs);
      for (const sink of new Set(entries.map((entry) => entry.sink))) sink.stop();
      return drained;
    },
  };
}

export type Engine = ReturnType<typeof createEngine>;

/**
 * What a target's settled result does: the pure transition gives the next
 * record and actions; the record is kept, the outcome reported (metrics, log,
 * alerts), and the actions handed to the driver — none once it is stopping.
 */
function createSettle(deps: {
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
    if (!result.ok && isTermEnded(result.error)) {
      // Not a fault of the target: this replica stopped leading while it worked on it. Nothing to
      // count, alert on or retry here; the next leader refreshes every target when its term starts.
      entry.running = false;
      log.info({ secretSet: entry.name, stage: result.error.stage }, "not finished: this replica's term of leadership ended; the next leader refreshes it");
      mode.onSettled?.(entry, []);
      return;
    }
    const next = result.ok ? afterSuccess(entry.record, result.plan.token, policy()) : afterFailure(entry.record, result.error, policy());
    entry.record = next.record;
    entry.running = false;
    if (result.ok) reportSuccess(report, entry, result.plan, next.actions, log);
    else reportFailure(report, entry, result.error, next.actions, log);
    mode.onSettled?.(entry, deps.isStopped() ? [] : next.actions);
  };
}
