// Holds a coordination.k8s.io/v1 Lease so that one replica of many does the
// writing. Every retry period it tries to take or renew the Lease, and a
// standby also looks again at the moment its holder's lease runs out (writes
// carry the resourceVersion read, so of two racing replicas the server lets
// one win and answers the other 409); leadership starts and stops through
// callbacks. A clean stop hands the Lease back at once. The settings loader
// has checked that retry period < renew deadline < lease duration.
//
// Leadership holds in time, not only in the Lease: the renew deadline is
// measured on a monotonic clock from when the last good renewal began, and
// `isLeader()` (and each term's `holds()`) compares against it on every call,
// so a process that stalled past its deadline answers false before any timer
// has had a chance to run. Each term of leadership is an object of its own,
// with a signal aborted when the term ends; what a term started (a queued
// write, a wait) cannot carry over into a later term.
import type { Logger } from 'pino';
import type { Clock, TimerHandle, Timers } from '../../schedule/clock.js';
import { TermEndedError } from '../../sink/fence-sinks.js';
import type { WriteFence } from '../../sink/sink.js';
import type { KubeClient } from '../api/create-kube-client.js';
import { createLeaseAccess } from './create-lease-access.js';
import { createLeaseAttempter } from './create-lease-attempter.js';
import { nextLookInMs, renewTimeToleranceMs, afterAttempt, afterDeadline, type LeaderChange, type LeaderState } from './lease-rules.js';

export interface LeaderElectionSettings {
  namespace: string;
  leaseName: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

/** One term of leadership: it holds while it is the current term and its renew deadline has not passed. */
export interface LeaderTerm extends WriteFence {
  /** 1 for this process's first term, then 2, 3, … */
  readonly number: number;
}

export interface LeaderElector {
  start(): void;
  /** Stops trying; `release` (the default) clears the holder so a standby takes over at once. */
  stop(options?: { release?: boolean }): Promise<void>;
  /** True only while leading and before the renew deadline, by the monotonic clock, at the moment of the call. */
  isLeader(): boolean;
  /** The holder seen by the last attempt (this replica when leading); undefined while the Lease cannot be read. */
  holder(): string | undefined;
}

export interface LeaderElectorDeps {
  client: KubeClient;
  settings: LeaderElectionSettings;
  /** The wall clock: the times written into and read from the Lease. */
  clock: Clock;
  /** What the renew deadline is measured on; never stepped (performance.now in production). */
  monotonic: Clock;
  timers: Timers;
  logger: Logger;
  random?: () => number;
  onStartedLeading?: (term: LeaderTerm) => void;
  /** Awaited on a clean stop before the Lease is released, so writing has ended first. */
  onStoppedLeading?: () => void | Promise<void>;
}

interface OpenTerm extends LeaderTerm {
  end(why: string): void;
}

export function createLeaderElector(deps: LeaderElectorDeps): LeaderElector {
  const { settings: s, monotonic, timers } = deps;
  const random = deps.random ?? Math.random;
  const { log, access, attempter } = leaseParts(deps);
  let state: LeaderState = { leading: false };
  let stopped = true;
  let term: OpenTerm | undefined;
  let terms = 0;
  // The only two timers; both are cleared on stop.
  let tickTimer: TimerHandle | undefined;
  let deadlineTimer: TimerHandle | undefined;
  let inFlight: Promise<void> | undefined;

  const holdsNow = () => state.leading && state.deadlineAt !== undefined && monotonic.now() < state.deadlineAt;

  function openTerm(): OpenTerm {
    const controller = new AbortController();
    const opened: OpenTerm = {
      number: ++terms,
      signal: controller.signal,
      holds: () => term === opened && holdsNow(),
      end: (why) => controller.abort(new TermEndedError(`this replica's term of leadership ended (${why})`)),
    };
    return opened;
  }

  function clearDeadline() {
    if (deadlineTimer) timers.clearTimeout(deadlineTimer);
    deadlineTimer = undefined;
  }

  function apply(next: { state: LeaderState; change: LeaderChange }, why: string) {
    state = next.state;
    clearDeadline();
    if (next.change === 'stopped') {
      term?.end(why);
      term = undefined;
    }
    if (next.change === 'started') term = openTerm();
    if (state.leading && state.deadlineAt !== undefined) {
      // Re-armed until it finds the deadline passed: a timer may fire a fraction of a millisecond early.
      deadlineTimer = timers.setTimeout(
        () => apply(afterDeadline(state, monotonic.now()), 'not renewed within the renew deadline'),
        Math.max(1, state.deadlineAt - monotonic.now()),
      );
    }
    if (next.change === 'started' && term) {
      log.info({ term: term.number }, 'became the leader');
      deps.onStartedLeading?.(term);
    } else if (next.change === 'stopped') {
      log.warn({ why }, 'stopped leading');
      void Promise.resolve(deps.onStoppedLeading?.()).catch((error: unknown) => log.error({ err: error }, 'stopping the leader work failed'));
    }
  }

  function tick() {
    tickTimer = undefined;
    const startedAt = monotonic.now();
    inFlight = attempter.attempt(holdsNow).then((outcome) => {
      if (stopped) return;
      const now = monotonic.now();
      const why =
        outcome === 'held-by-other'
          ? 'the lease is held by another replica'
          : outcome === 'acquired'
            ? 'the renewal came back after the renew deadline'
            : 'not renewed within the renew deadline';
      const next = afterAttempt(state, { outcome, startedAt, now, renewDeadlineMs: s.renewDeadlineMs });
      if (outcome === 'acquired' && !next.state.leading && !state.leading) log.warn({ tookMs: Math.round(now - startedAt) }, 'took the lease too late to lead on it: trying again');
      apply(next, why);
      const wait = nextLookInMs({ leading: state.leading, retryPeriodMs: s.retryPeriodMs, heldUntil: attempter.heldUntil(), now: deps.clock.now(), random });
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
      const ending = term;
      const deadlineAt = state.deadlineAt;
      term = undefined;
      if (!state.leading || !ending || deadlineAt === undefined) return;
      state = { leading: false };
      log.info({}, 'stopping: leadership ends');
      // Nothing new is written from here; what is in flight may finish while the work drains, but not past
      // the renew deadline, since no renewal will move it any more.
      const cut = timers.setTimeout(() => ending.end('not renewed within the renew deadline'), Math.max(0, deadlineAt - monotonic.now()));
      try {
        await deps.onStoppedLeading?.();
      } finally {
        timers.clearTimeout(cut);
        ending.end('the process is stopping');
      }
      if (options.release ?? true) await access.release(s.identity, deps.clock.now());
    },
    isLeader: holdsNow,
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
