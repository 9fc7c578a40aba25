// What both drivers share: the configured targets, the cycle over some of
// them (one refresh of a target at a time), what a result does to each target
// (pure transitions, then metrics, logs and alerts), readiness, and draining
// the work in flight. When a cycle runs, and what a retry or guard action
// becomes, is up to the driver.
import type { Logger } from 'pino';
import type { RiskNotifier } from '../alerts/risk-notifier.js';
import type { Config } from '../config/config.js';
import type { TokenMinter } from '../ecr/create-token-minter.js';
import type { EcrToken } from '../ecr/ecr-token.js';
import type { RefreshError, Stage } from '../errors/refresh-error.js';
import { createTargetObserver, type TargetObserver } from '../metrics/create-target-observer.js';
import { runCycle, type TargetResult } from '../cycle/run-cycle.js';
import type { Clock, Timers } from '../schedule/clock.js';
import { sinkFor, type Sinks } from '../sink/sink-for.js';
import { createLimiter } from './create-limiter.js';
import { reportFailure, reportSuccess, type ReportDeps } from './report-transition.js';
import { registryLabel, type TargetEntry } from './target-entry.js';
import { afterFailure, afterSuccess, initialRecord, type TargetAction, type TransitionPolicy } from './target-transitions.js';
import { waitForDrain } from './wait-for-drain.js';

export type Trigger = 'startup' | 'schedule' | 'expiry-guard' | 'retry' | 'once';

export interface TargetOutcome {
  secretSet: string;
  ok: boolean;
  error?: RefreshError;
  expiresAt?: number;
}

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
  const entries: TargetEntry[] = config.targets.map((target) => {
    const sink = sinkFor(target, deps.sinks);
    const name = sink.describe(target).name;
    return { target, sink, name, labels: { secret_set: name, registry: registryLabel(target) }, record: initialRecord, running: false };
  });
  for (const entry of entries) observer.targetConfigured(entry.labels, entry.sink.info(entry.target));
  const inFlight = new Set<Promise<unknown>>();
  const limiter = createLimiter(config.pushConcurrency);
  let cycleCounter = 0;
  let stopped = false;

  const report: ReportDeps = {
    observer,
    now: () => clock.now(),
    daemon: mode.daemon,
    notify(event, log) {
      if (!deps.notifier) return;
      track(
        deps.notifier.notify(event).catch((error: unknown) => {
          log.warn({ err: { message: (error as Error).message, code: (error as { code?: string }).code } }, 'alert webhook delivery failed');
        }),
      );
    },
  };
  const policy = (): TransitionPolicy => ({
    now: clock.now(),
    refreshMarginMs: config.refreshMarginMs,
    daemon: mode.daemon,
    backoff: { initialDelayMs: config.retryInitialDelayMs, maxDelayMs: config.retryMaxDelayMs, random: deps.random },
  });

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
    return promise;
  }

  function settle(entry: TargetEntry, result: TargetResult, log: Logger) {
    const next = result.ok ? afterSuccess(entry.record, result.plan.token.expiresAt, policy()) : afterFailure(entry.record, result.error, policy());
    entry.record = next.record;
    entry.running = false;
    if (result.ok) reportSuccess(report, entry, result.plan, next.actions, log);
    else reportFailure(report, entry, result.error, next.actions, log);
    mode.onSettled?.(entry, stopped ? [] : next.actions);
  }

  async function cycle(eligible: TargetEntry[], trigger: Trigger): Promise<TargetOutcome[]> {
    const log = logger.child({ cycle: ++cycleCounter, trigger });
    const started = clock.now();
    log.info({ targets: eligible.length }, 'refresh started');
    const cycleDeps = {
      mint: deps.mint,
      onToken: deps.onToken,
      onStage: (entry: TargetEntry, stage: Stage) => observer.attempt(entry.labels, stage),
      limiter,
      confirmTimeoutMs: mode.confirmTimeoutMs ?? (() => config.confirmTimeoutMs),
    };
    const outcomes: TargetOutcome[] = [];
    await runCycle(cycleDeps, eligible, (entry, result) => {
      settle(entry, result, log);
      outcomes.push(result.ok ? { secretSet: entry.name, ok: true, expiresAt: result.plan.token.expiresAt } : { secretSet: entry.name, ok: false, error: result.error });
    });
    const failed = outcomes.filter((o) => !o.ok).length;
    log.info({ targets: outcomes.length, failed, durationMs: clock.now() - started }, 'refresh finished');
    return outcomes;
  }

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
      return track(cycle(eligible, trigger));
    },
    /** Ready when every target holds a confirmed token with more than the margin left. */
    isReady(): boolean {
      const now = clock.now();
      return entries.every(({ record }) => record.expiresAt !== undefined && record.expiresAt - now > config.refreshMarginMs);
    },
    /** No new cycles; waits (bounded) for the work in flight, then ends the sinks' waits. True when it all finished. */
    async stop(deadlineMs: number): Promise<boolean> {
      stopped = true;
      const drained = await waitForDrain([...inFlight], deps.timers, deadlineMs);
      for (const sink of new Set(entries.map((entry) => entry.sink))) sink.stop();
      return drained;
    },
  };
}

export type Engine = ReturnType<typeof createEngine>;
