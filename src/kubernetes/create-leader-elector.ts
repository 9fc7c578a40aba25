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
import { decideLease, releasedSpec, recordKey, type LeaseObject, type LeaseObservation } from './decide-lease.js';
import { isKubernetesError } from './kubernetes-error.js';
import { renewTimeToleranceMs } from './renew-time-tolerance.js';
import { afterAttempt, afterDeadline, type LeaderChange, type LeaderState, type LeaseAttempt } from './next-leader-state.js';

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

const LEASES = { apiVersion: 'coordination.k8s.io/v1', plural: 'leases' } as const;

export function createLeaderElector(deps: {
  client: KubeClient;
  settings: LeaderElectionSettings;
  clock: Clock;
  timers: Timers;
  logger: Logger;
  random?: () => number;
  onStartedLeading?: () => void;
  /** Awaited on a clean stop before the Lease is released, so writing has ended first. */
  onStoppedLeading?: () => void | Promise<void>;
}): LeaderElector {
  const { client, settings: s, clock, timers } = deps;
  const random = deps.random ?? Math.random;
  const key = { namespace: s.namespace, name: s.leaseName };
  const log = deps.logger.child({ lease: `${s.namespace}/${s.leaseName}`, identity: s.identity });
  // A hung request must leave time for another attempt before the renew deadline.
  const attemptTimeoutMs = Math.max(1000, Math.floor(s.renewDeadlineMs / 2));
  const toleranceMs = renewTimeToleranceMs(s);
  let state: LeaderState = { leading: false };
  let observation: LeaseObservation | undefined;
  let holder: string | undefined;
  /** While another holds the Lease: when its lease runs out, by our clock. */
  let heldUntil: number | undefined;
  let failures = 0;
  let stopped = true;
  let tickTimer: TimerHandle | undefined;
  let deadlineTimer: TimerHandle | undefined;
  let inFlight: Promise<void> | undefined;

  async function readLease(): Promise<LeaseObject | undefined> {
    try {
      return await client.send<LeaseObject>({ verb: 'get', ...LEASES, ...key, timeoutMs: attemptTimeoutMs });
    } catch (error) {
      if (isKubernetesError(error, 'ERR_KUBE_NOT_FOUND')) return undefined;
      throw error;
    }
  }

  async function attempt(): Promise<LeaseAttempt> {
    try {
      const lease = await readLease();
      const seen = decideLease({
        lease, observation, identity: s.identity, now: clock.now(), leaseDurationSeconds: Math.ceil(s.leaseDurationMs / 1000), renewTimeToleranceMs: toleranceMs,
      });
      observation = seen.observation;
      const { decision } = seen;
      heldUntil = decision.kind === 'held' ? decision.expiresAt : undefined;
      if (decision.kind === 'held') {
        if (holder !== decision.holder) log.info({ holder: decision.holder }, 'lease held by another replica: standing by');
        holder = decision.holder;
        failures = 0;
        return 'held-by-other';
      }
      const body: LeaseObject = { apiVersion: LEASES.apiVersion, kind: 'Lease', metadata: lease?.metadata ?? { name: s.leaseName, namespace: s.namespace }, spec: decision.spec };
      const saved = decision.kind === 'create'
        ? await client.send<LeaseObject>({ verb: 'create', ...LEASES, namespace: s.namespace, body, timeoutMs: attemptTimeoutMs })
        : await client.send<LeaseObject>({ verb: 'update', ...LEASES, ...key, body, timeoutMs: attemptTimeoutMs });
      observation = { record: recordKey(saved.spec ?? {}), observedAt: clock.now() };
      holder = s.identity;
      failures = 0;
      return 'acquired';
    } catch (error) {
      failures++;
      holder = undefined;
      heldUntil = undefined;
      // A 409 is the normal loss of a race; anything else is worth a line (the first, or any while leading).
      if (!isKubernetesError(error, 'ERR_KUBE_CONFLICT') && (failures === 1 || state.leading)) {
        log.warn({ err: error, failures }, state.leading ? 'lease renewal failed' : 'lease acquisition failed');
      }
      return 'failed';
    }
  }

  function apply(change: LeaderChange, why: string) {
    if (deadlineTimer) timers.clearTimeout(deadlineTimer);
    deadlineTimer = undefined;
    if (state.leading && state.deadlineAt !== undefined) {
      deadlineTimer = timers.setTimeout(() => apply(setState(afterDeadline(state, clock.now())), 'not renewed within the renew deadline'), state.deadlineAt - clock.now());
    }
    if (change === 'started') {
      log.info({}, 'became the leader');
      deps.onStartedLeading?.();
    } else if (change === 'stopped') {
      log.warn({ why }, 'stopped leading');
      void Promise.resolve(deps.onStoppedLeading?.()).catch((error: unknown) => log.error({ err: error }, 'stopping the leader work failed'));
    }
  }

  function setState(next: { state: LeaderState; change: LeaderChange }): LeaderChange {
    state = next.state;
    return next.change;
  }

  function tick() {
    tickTimer = undefined;
    const startedAt = clock.now();
    inFlight = attempt().then((outcome) => {
      if (stopped) return;
      apply(setState(afterAttempt(state, { outcome, startedAt, now: clock.now(), renewDeadlineMs: s.renewDeadlineMs })), outcome === 'held-by-other' ? 'the lease is held by another replica' : 'not renewed within the renew deadline');
      tickTimer = timers.setTimeout(tick, nextLookInMs());
    });
  }

  function nextLookInMs(): number {
    if (state.leading) return s.retryPeriodMs;
    // Standbys spread their looks a little so they do not move in lockstep,
    // but one whose holder's lease runs out sooner looks at that very moment.
    const jittered = s.retryPeriodMs * (1 + 0.2 * random());
    return heldUntil === undefined ? jittered : Math.min(jittered, Math.max(0, heldUntil - clock.now()));
  }

  async function release() {
    try {
      const lease = await readLease();
      if (!lease?.spec || lease.spec.holderIdentity !== s.identity) return;
      const body = { ...lease, spec: releasedSpec(lease.spec, clock.now()) };
      await client.send<LeaseObject>({ verb: 'update', ...LEASES, ...key, body, timeoutMs: attemptTimeoutMs });
      log.info({}, 'released the lease');
    } catch (error) {
      log.warn({ err: error }, 'could not release the lease; a standby takes over when it expires');
    }
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
      if (deadlineTimer) timers.clearTimeout(deadlineTimer);
      deadlineTimer = undefined;
      if (!state.leading) return;
      state = { leading: false };
      log.info({}, 'stopping: leadership ends');
      await deps.onStoppedLeading?.();
      if (options.release ?? true) await release();
    },
    isLeader: () => state.leading,
    holder: () => holder,
  };
}
