// The daemon behind a Lease: only the replica holding it runs cycles. Each
// term of leadership gets a daemon of its own, started when the Lease is won
// (with the start-up cycle, since a new leader cannot know what the last one
// managed to write) and stopped, work in flight drained, when it is lost or
// the process stops; a clean stop releases the Lease only after that drain.
// Writes are fenced by the term they belong to: none starts once that term
// has lapsed (by the monotonic clock, at the moment of the write), one in
// flight is aborted when it ends, and what one term queued never runs in the next.
// The watches of cluster-wide pull Secrets run only during a term: a new
// leader lists everything afresh, so nothing that changed while another
// replica led (or none did) is missed.
import type { KubeClient } from '../kubernetes/api/create-kube-client.js';
import { createLeaderElector, type LeaderElectionSettings } from '../kubernetes/lease/create-leader-elector.js';
import type { EngineDeps } from '../refresh/create-engine.js';
import type { WriteFence } from '../sink/sink.js';
import type { Clock } from '../schedule/clock.js';
import type { Scheduler } from '../schedule/scheduler.js';
import { fenceSinks } from '../sink/fence-sinks.js';
import { createDaemonDriver, type DaemonDriver } from './create-daemon-driver.js';

export function createLeaderElectedDriver(
  deps: EngineDeps & {
    scheduler: Scheduler;
    client: KubeClient;
    lease: LeaderElectionSettings;
    /** The clock the renew deadline is measured on (monotonic in production). */
    monotonic: Clock;
    /** Reports 1 while leading, 0 while standing by (the `leader` gauge). */
    setLeader: (leading: boolean) => void;
    /** Started with each term's fence, stopped when it ends: the namespace watches. */
    watchers?: { start(fence: WriteFence): void; stop(): Promise<void> };
  },
) {
  const { config, logger } = deps;
  let term: DaemonDriver | undefined;
  let drained = true;
  const elector = createLeaderElector({
    client: deps.client,
    settings: deps.lease,
    clock: deps.clock,
    monotonic: deps.monotonic,
    timers: deps.timers,
    logger,
    random: deps.random,
    onStartedLeading(leaderTerm) {
      deps.setLeader(true);
      deps.watchers?.start(leaderTerm);
      term = createDaemonDriver({ ...deps, sinks: fenceSinks(deps.sinks, leaderTerm) });
      void term.start();
    },
    async onStoppedLeading() {
      deps.setLeader(false);
      const ending = term;
      term = undefined;
      drained = ending ? await ending.stop(config.shutdownTimeoutMs) : true;
      await deps.watchers?.stop();
      if (!drained) logger.warn({}, 'leadership ended with a refresh still in flight');
    },
  });

  return {
    start(): Promise<void> {
      deps.setLeader(false);
      elector.start();
      return Promise.resolve();
    },
    isLeader: () => elector.isLeader(),
    /** Leading: every target holds a good token. Standing by: a live holder of the Lease is known. */
    isReady: () => (term ? term.isReady() : elector.holder() !== undefined),
    /** Ends the term (bounded drain), then releases the Lease. True when the drain finished. */
    async stop(): Promise<boolean> {
      await elector.stop({ release: true });
      // A term's stop ends only its own waits; the sinks themselves end with the process.
      for (const sink of Object.values(deps.sinks)) sink?.stop();
      return drained;
    },
  };
}

export type LeaderElectedDriver = ReturnType<typeof createLeaderElectedDriver>;
