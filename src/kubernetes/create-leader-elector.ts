// Holds a coordination.k8s.io/v1 Lease so that one replica of many does the
// writing. Every retry period it tries to take or renew the Lease, and a
// standby also looks again at the moment its holder's lease runs out (writes
// carry the resourceVersion read, so of two racing replicas the server lets
// one win and answers the other 409); leadership starts and stops through
// callbacks. A clean stop hands the Lease back at once. The settings loader
// has checked that retry period < renew deadline < lease duration.
import type { Logger } from 'pino';
import type { Clock, TimerHandle, Timers } from '../schedule/clock.js';
import type { KubeClient } from './create-kube-client.js';
import { createLeaseAccess } from './create-lease-access.js';
import { createLeaseAttempter } from './create-lease-attempter.js';
import { nextLookInMs } from './next-look-in-ms.js';
import { renewTimeToleranceMs } from './renew-time-tolerance.js';
import { afterAttempt, afterDeadline, type LeaderChange, type LeaderState } from './next-leader-state.js';

export interface LeaderElectionSettings {
  namespace: string;
  leaseName: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

export interface LeaderElector {
  start(): void;
  /** Stops trying; `release` (the default) clears the holder so a standby takes over at once. */
  stop(options?: { release?: boolean }): Promise<void>;
  isLeader(): boolean;
  /** The holder seen by the last attempt (this replica when leading); undefined while the Lease cannot be read. */
  holder(): string | undefined;
}

export interface LeaderElectorDeps {
  client: KubeClient;
  settings: LeaderElectionSettings;
  clock: Clock;
  timers: Timers;
  logger: Logger;
  random?: () => number;
  onStartedLeading?: () => void;
  /** Awaited on a clean stop before the Lease is released, so writing has ended first. */
  onStoppedLeading?: () => void | Promise<void>;
}

export function createLeaderElector(deps: LeaderElectorDeps): LeaderElector {
  const { settings: s, clock, timers } = deps;
  const random = deps.random ?? Math.random;
  const { log, access, attempter } = leaseParts(deps);
  let state: LeaderState = { leading: false };
  let stopped = true;
  // The only two timers; both are cleared on stop.
  let tickTimer: TimerHandle | undefined;
  let deadlineTimer: TimerHandle | undefined;
  let inFlight: Promise<void> | undefined;

  function clearDeadline() {
    if (deadlineTimer) timers.clearTimeout(deadlineTimer);
    deadlineTimer = undefined;
  }

  function apply(next: { state: LeaderState; change: LeaderChange }, why: string) {
    state = next.state;
    clearDeadline();
    if (state.leading && state.deadlineAt !== undefined) {
      deadlineTimer = timers.setTimeout(() => apply(afterDeadline(state, clock.now()), 'not renewed within the renew deadline'), state.deadlineAt - clock.now());
    }
    announce(next.change, why, log, deps);
  }

  function tick() {
    tickTimer = undefined;
    const startedAt = clock.now();
    inFlight = attempter.attempt(() => state.leading).then((outcome) => {
      if (stopped) return;
      const why = outcome === 'held-by-other' ? 'the lease is held by another replica' : 'not renewed within the renew deadline';
      apply(afterAttempt(state, { outcome, startedAt, now: clock.now(), renewDeadlineMs: s.renewDeadlineMs }), why);
      const wait = nextLookInMs({ leading: state.leading, retryPeriodMs: s.retryPeriodMs, heldUntil: attempter.heldUntil(), now: clock.now(), random });
      tickTimer = timers.setTimeout(tick, wait);
    });
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      tick();
    },
    async stop(options = {}) {
      if (stopped) return;
      stopped = true;
      if (tickTimer) timers.clearTimeout(tickTimer);
      tickTimer = undefined;
      await inFlight;
      clearDeadline();
      if (!state.leading) return;
      state = { leading: false };
      log.info({}, 'stopping: leadership ends');
      await deps.onStoppedLeading?.();
      if (options.release ?? true) await access.release(s.identity, clock.now());
    },
    isLeader: () => state.leading,
    holder: () => attempter.holder(),
  };
}

/** The logger, the Lease's reader and writer, and the one try at it, for these settings. */
function leaseParts(deps: LeaderElectorDeps) {
  const { settings: s, clock } = deps;
  const log = deps.logger.child({ lease: `${s.namespace}/${s.leaseName}`, identity: s.identity });
  // A hung request must leave time for another attempt before the renew deadline.
  const timeoutMs = Math.max(1000, Math.floor(s.renewDeadlineMs / 2));
  const access = createLeaseAccess({ client: deps.client, namespace: s.namespace, leaseName: s.leaseName, timeoutMs, log });
  const attempter = createLeaseAttempter({
    access, identity: s.identity, leaseDurationMs: s.leaseDurationMs, renewTimeToleranceMs: renewTimeToleranceMs(s), clock, log,
  });
  return { log, access, attempter };
}

/** Tells the log and the callbacks that leadership began or ended. */
function announce(change: LeaderChange, why: string, log: Logger, deps: LeaderElectorDeps) {
  if (change === 'started') {
    log.info({}, 'became the leader');
    deps.onStartedLeading?.();
  } else if (change === 'stopped') {
    log.warn({ why }, 'stopped leading');
    void Promise.resolve(deps.onStoppedLeading?.()).catch((error: unknown) => log.error({ err: error }, 'stopping the leader work failed'));
  }
}
