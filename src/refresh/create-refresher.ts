// The refresh engine. It owns the per-target state and decides when each
// target is refreshed: at start-up, on every scheduled tick, when a token gets
// within the margin of expiry (the expiry guard), and on retry after a
// retryable failure. One refresh of a target at a time; targets that share a
// (region, registry, role) share one ECR call per cycle.
import type { Logger } from 'pino';
import type { RiskNotifier } from '../alerts/risk-notifier.js';
import type { Config } from '../config/config.js';
import { mintKeyId, type EcrToken, type MintKey } from '../ecr/ecr-token.js';
import type { TokenMinter } from '../ecr/create-token-minter.js';
import { RefreshError, isRefreshError } from '../errors/refresh-error.js';
import type { Metrics } from '../metrics/create-metrics.js';
import { buildSecretBody } from '../pcc/build-secret-body.js';
import type { SecretsClient } from '../pcc/create-secrets-client.js';
import { createReadinessWatcher } from '../pcc/create-readiness-watcher.js';
import { resolveFormat } from '../pcc/resolve-format.js';
import type { SecretSetSummary } from '../pcc/secret-set.js';
import type { Clock, Timers } from '../schedule/clock.js';
import type { Scheduler } from '../schedule/scheduler.js';
import { backoffDelay } from './backoff-delay.js';
import { createLimiter } from './create-limiter.js';
import { createTargetState, type TargetState } from './target-state.js';

export type Trigger = 'startup' | 'schedule' | 'expiry-guard' | 'retry' | 'once';

export interface TargetOutcome {
  secretSet: string;
  ok: boolean;
  error?: RefreshError;
  expiresAt?: number;
}

export interface RefresherDeps {
  config: Config;
  clock: Clock;
  timers: Timers;
  mint: TokenMinter;
  secrets: SecretsClient;
  logger: Logger;
  metrics?: Metrics;
  notifier?: RiskNotifier;
  scheduler?: Scheduler;
  random?: () => number;
  /** Called with every token minted, so the process can scrub it from its output. */
  onToken?: (token: EcrToken) => void;
}

/** In --once mode, retryable failures get this many attempts in all, with short waits. */
const ONCE_ATTEMPTS = 4;
const ONCE_MAX_DELAY_MS = 30_000;

export function createRefresher(deps: RefresherDeps) {
  const { config, clock, timers, metrics, logger } = deps;
  const states = config.targets.map(createTargetState);
  const watcher = createReadinessWatcher({ secrets: deps.secrets, clock, timers });
  const limiter = createLimiter(config.pushConcurrency);
  const inFlight = new Set<Promise<unknown>>();
  let cycleCounter = 0;
  let stopped = false;
  let mode: 'daemon' | 'once' = 'once';

  for (const s of states) {
    metrics?.targetInfo.set({ ...s.labels, format: s.target.format, pcc_region: s.target.pccRegion ?? '' }, 1);
    metrics?.consecutiveFailures.set(s.labels, 0);
    metrics?.atRisk.set(s.labels, 0);
  }

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
    return promise;
  }

  /** One cycle over the given targets; targets already being refreshed are skipped. */
  function refresh(selected: TargetState[], trigger: Trigger): Promise<TargetOutcome[]> {
    const eligible = selected.filter((s) => !s.running);
    if (stopped || eligible.length === 0) return Promise.resolve([]);
    for (const s of eligible) {
      s.running = true;
      if (s.retryTimer) timers.clearTimeout(s.retryTimer);
      s.retryTimer = undefined;
      s.retryAt = undefined;
    }
    return track(runCycle(eligible, trigger));
  }

  async function runCycle(eligible: TargetState[], trigger: Trigger): Promise<TargetOutcome[]> {
    const cycle = ++cycleCounter;
    const log = logger.child({ cycle, trigger });
    const started = clock.now();
    log.info({ targets: eligible.length }, 'refresh started');

    let listing: Promise<SecretSetSummary[]> | undefined;
    const listOnce = () => (listing ??= deps.secrets.listSets('push'));

    const groups = new Map<string, TargetState[]>();
    for (const s of eligible) {
      const id = mintKeyId(s.target);
      const group = groups.get(id);
      if (group) group.push(s);
      else groups.set(id, [s]);
    }

    // Each target is released as soon as its own outcome is known, so that a
    // retry falling due while other targets of the cycle are still in flight
    // finds it free to run.
    const release = (s: TargetState, outcome: TargetOutcome) => {
      s.running = false;
      updateNextRefresh(s);
      return outcome;
    };
    const outcomes = await Promise.all(
      [...groups.values()].map(async (group) => {
        const key: MintKey = group[0]!.target;
        for (const s of group) metrics?.attempts.inc({ ...s.labels, stage: 'mint' });
        let token: EcrToken;
        try {
          token = await deps.mint(key);
          deps.onToken?.(token);
        } catch (error) {
          return group.map((s) => release(s, recordFailure(s, error, log)));
        }
        return Promise.all(group.map(async (s) => release(s, await pushAndConfirm(s, token, listOnce, log))));
      }),
    );
    const flat = outcomes.flat();
    const failed = flat.filter((o) => !o.ok).length;
    log.info({ targets: flat.length, failed, durationMs: clock.now() - started }, 'refresh finished');
    return flat;
  }

  async function pushAndConfirm(
    s: TargetState,
    token: EcrToken,
    listOnce: () => Promise<SecretSetSummary[]>,
    log: Logger,
  ): Promise<TargetOutcome> {
    const { secretSet } = s.target;
    try {
      metrics?.attempts.inc({ ...s.labels, stage: 'push' });
      const existing = (await listOnce()).find((set) => set.name === secretSet);
      const plan = resolveFormat(s.target, existing);
      // PUSH_CONCURRENCY bounds PUTs in flight, not sets waiting to be ready:
      // one list poll serves every waiting set, so waiting costs no requests.
      await limiter(() => deps.secrets.putSet(secretSet, buildSecretBody(plan.format, token, plan.region)));
      metrics?.attempts.inc({ ...s.labels, stage: 'confirm' });
      await watcher.waitReady(secretSet, config.confirmTimeoutMs);
      return recordSuccess(s, token, plan.format, plan.creating, log);
    } catch (error) {
      return recordFailure(s, error, log);
    }
  }

  function recordSuccess(s: TargetState, token: EcrToken, format: string, created: boolean, log: Logger): TargetOutcome {
    const now = clock.now();
    const wasAtRisk = s.atRisk;
    dropLastFailureInfo(s);
    Object.assign(s, {
      expiresAt: token.expiresAt,
      consecutiveFailures: 0,
      lastFailure: undefined,
      retryAttempt: 0,
      atRisk: false,
    });
    metrics?.lastSuccess.set(s.labels, now / 1000);
    metrics?.tokenExpiry.set(s.labels, token.expiresAt / 1000);
    metrics?.consecutiveFailures.set(s.labels, 0);
    metrics?.secretReady.set(s.labels, 1);
    metrics?.atRisk.set(s.labels, 0);
    log.info(
      {
        secretSet: s.target.secretSet,
        registry: token.registryHost,
        format,
        created,
        expiresAt: new Date(token.expiresAt).toISOString(),
      },
      'secret set refreshed and ready',
    );
    if (wasAtRisk) notify(s, 'recovered', log);
    armGuard(s);
    return { secretSet: s.target.secretSet, ok: true, expiresAt: token.expiresAt };
  }

  /** last_failure_info keeps one series per target: the previous failure's goes first. */
  function dropLastFailureInfo(s: TargetState) {
    if (s.lastFailure) metrics?.lastFailureInfo.remove({ ...s.labels, stage: s.lastFailure.stage, reason: s.lastFailure.reason });
  }

  function recordFailure(s: TargetState, cause: unknown, log: Logger): TargetOutcome {
    const error = isRefreshError(cause)
      ? cause
      : new RefreshError(`unexpected failure: ${(cause as Error)?.message ?? String(cause)}`, {
          stage: 'push',
          reason: 'unknown',
          retryable: true,
          cause,
        });
    dropLastFailureInfo(s);
    s.lastFailure = error;
    s.consecutiveFailures++;
    metrics?.failures.inc({ ...s.labels, stage: error.stage, reason: error.reason });
    metrics?.consecutiveFailures.set(s.labels, s.consecutiveFailures);
    metrics?.lastFailureInfo.set({ ...s.labels, stage: error.stage, reason: error.reason }, 1);
    if (error.stage === 'confirm' && (error.reason === 'provisioning_failed' || error.reason === 'provisioning_timeout')) {
      metrics?.secretReady.set(s.labels, 0);
    }

    const fields = {
      secretSet: s.target.secretSet,
      stage: error.stage,
      reason: error.reason,
      retryable: error.retryable,
      status: error.status,
      consecutiveFailures: s.consecutiveFailures,
      err: error,
    };
    if (error.retryable && mode === 'daemon' && !stopped) {
      const delay = backoffDelay(
        s.retryAttempt++,
        { initialDelayMs: config.retryInitialDelayMs, maxDelayMs: config.retryMaxDelayMs, random: deps.random },
        { retryAfterMs: error.retryAfterMs, msUntilExpiry: s.expiresAt === undefined ? undefined : s.expiresAt - clock.now() },
      );
      s.retryAt = clock.now() + delay;
      s.retryTimer = timers.setTimeout(() => void refresh([s], 'retry'), delay);
      log.warn({ ...fields, retryInMs: delay }, 'refresh failed; will retry');
    } else if (error.retryable) {
      log.warn(fields, 'refresh failed');
    } else {
      log.error(
        fields,
        mode === 'daemon'
          ? 'refresh failed with a permanent error; not retrying until the next scheduled run'
          : 'refresh failed with a permanent error; not retrying',
      );
    }
    evaluateRisk(s, log);
    return { secretSet: s.target.secretSet, ok: false, error };
  }

  /**
   * At risk: failing with less than the margin left, or provisioning failed.
   * A daemon that has never pushed a token cannot vouch for the secret, so it
   * counts that as under the margin. A --once run is a new process that never
   * knows the previous run's token: it leaves that judgement to the expiry
   * series the last good run pushed, instead of crying wolf on every failure.
   */
  function evaluateRisk(s: TargetState, log: Logger) {
    const underMargin =
      s.expiresAt === undefined ? mode === 'daemon' : s.expiresAt - clock.now() < config.refreshMarginMs;
    const failing = s.consecutiveFailures > 0;
    const atRisk = (failing && underMargin) || s.lastFailure?.reason === 'provisioning_failed';
    if (atRisk && !s.atRisk) {
      s.atRisk = true;
      metrics?.atRisk.set(s.labels, 1);
      notify(s, 'at_risk', log);
    }
  }

  function notify(s: TargetState, kind: 'at_risk' | 'recovered', log: Logger) {
    const event = {
      kind,
      secretSet: s.target.secretSet,
      registry: s.labels.registry,
      expiresAt: s.expiresAt,
      stage: kind === 'at_risk' ? s.lastFailure?.stage : undefined,
      reason: kind === 'at_risk' ? s.lastFailure?.reason : undefined,
      message:
        kind === 'at_risk'
          ? `${s.lastFailure?.message ?? 'refresh failing'}`
          : `secret set "${s.target.secretSet}" holds a fresh token again`,
    };
    (kind === 'at_risk' ? log.error : log.info).call(log, { event: kind, secretSet: s.target.secretSet, registry: s.labels.registry }, kind === 'at_risk' ? 'target at risk' : 'target recovered');
    if (!deps.notifier) return;
    track(
      deps.notifier.notify(event).catch((error: unknown) => {
        log.warn({ err: error }, 'alert webhook delivery failed');
      }),
    );
  }

  /** The expiry guard: refresh a target as soon as its token enters the margin. */
  function armGuard(s: TargetState) {
    if (s.guardTimer) timers.clearTimeout(s.guardTimer);
    s.guardTimer = undefined;
    s.guardAt = undefined;
    if (mode !== 'daemon' || stopped || s.expiresAt === undefined) return;
    const at = s.expiresAt - config.refreshMarginMs;
    s.guardAt = at;
    s.guardTimer = timers.setTimeout(() => {
      s.guardTimer = undefined;
      void refresh([s], 'expiry-guard');
    }, Math.max(0, at - clock.now()));
  }

  function updateNextRefresh(s: TargetState) {
    if (!metrics || mode !== 'daemon') return;
    const candidates = [s.retryAt, s.guardAt, deps.scheduler?.nextRun()].filter((t): t is number => t !== undefined);
    if (candidates.length > 0) metrics.nextRefresh.set(s.labels, Math.min(...candidates) / 1000);
  }

  /** A wait between --once attempts; stop() ends it early. */
  const sleepers = new Set<() => void>();
  function sleep(ms: number) {
    return new Promise<void>((resolve) => {
      const handle = timers.setTimeout(wake, ms);
      function wake() {
        timers.clearTimeout(handle);
        sleepers.delete(wake);
        resolve();
      }
      sleepers.add(wake);
    });
  }

  return {
    states,

    /** Starts the daemon: a refresh now, then on every tick and guard. */
    start(): Promise<TargetOutcome[]> {
      mode = 'daemon';
      const scheduler = deps.scheduler;
      if (scheduler) {
        const longest = scheduler.longestIntervalMs() + config.scheduleJitterMs;
        for (const s of states) metrics?.refreshInterval.set(s.labels, longest / 1000);
        scheduler.start(() => {
          const jitter = Math.floor((deps.random ?? Math.random)() * config.scheduleJitterMs);
          const run = () => void refresh(states, 'schedule');
          if (jitter > 0) timers.setTimeout(run, jitter);
          else run();
        });
      }
      return refresh(states, 'startup');
    },

    /** One cycle for every target, retrying retryable failures a few times. True when all are ready. */
    async runOnce(): Promise<TargetOutcome[]> {
      mode = 'once';
      const results = new Map<string, TargetOutcome>();
      let pending = states;
      for (let attempt = 0; attempt < ONCE_ATTEMPTS && pending.length > 0 && !stopped; attempt++) {
        if (attempt > 0) {
          const hint = Math.max(0, ...pending.map((s) => s.lastFailure?.retryAfterMs ?? 0));
          await sleep(
            backoffDelay(
              attempt - 1,
              { initialDelayMs: Math.min(config.retryInitialDelayMs, 2_000), maxDelayMs: ONCE_MAX_DELAY_MS, random: deps.random },
              { retryAfterMs: hint || undefined },
            ),
          );
        }
        for (const outcome of await refresh(pending, attempt === 0 ? 'once' : 'retry')) results.set(outcome.secretSet, outcome);
        pending = states.filter((s) => {
          const outcome = results.get(s.target.secretSet);
          return outcome && !outcome.ok && outcome.error?.retryable;
        });
      }
      return states.map((s) => results.get(s.target.secretSet) ?? { secretSet: s.target.secretSet, ok: false });
    },

    /** Ready when every target holds a confirmed token with more than the margin left. */
    isReady(): boolean {
      const now = clock.now();
      return states.every((s) => s.expiresAt !== undefined && s.expiresAt - now > config.refreshMarginMs);
    },

    /** Stops scheduling and waits (bounded) for refreshes in flight. True when they all finished. */
    async stop(deadlineMs: number): Promise<boolean> {
      stopped = true;
      for (const wake of [...sleepers]) wake();
      deps.scheduler?.stop();
      for (const s of states) {
        if (s.retryTimer) timers.clearTimeout(s.retryTimer);
        if (s.guardTimer) timers.clearTimeout(s.guardTimer);
        s.retryTimer = s.guardTimer = undefined;
      }
      let timer: ReturnType<Timers['setTimeout']> | undefined;
      const drained = await Promise.race([
        Promise.allSettled([...inFlight]).then(() => true),
        new Promise<boolean>((resolve) => {
          timer = timers.setTimeout(() => resolve(false), deadlineMs);
        }),
      ]);
      if (timer) timers.clearTimeout(timer);
      watcher.stop();
      return drained;
    },
  };
}

export type Refresher = ReturnType<typeof createRefresher>;
