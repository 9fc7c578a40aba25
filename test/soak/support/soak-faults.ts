// The faults a pull-availability soak injects, one after another. Each names where in the
// refresh period it starts (so it meets a refresh rather than falling between two), does its
// damage, lifts it, and says in a line what exactly was done. All but the ECR outage are shorter
// than the refresh margin: a refresher that does its job keeps every destination pullable through
// them. A Secret deleted by hand is put back by the cluster-wide target's watch, with the token
// it already holds: the fault measures, from the outside, how long the Secret was gone.
import { ecrErrors } from '../../../stand-ins/ecr-fault.js';
import { httpsStatus } from '../../support/kube/https-status.js';
import { waitFor } from '../../support/wait-for.js';
import { SECRET_NAME, type SoakWorld } from './start-soak-world.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface SoakFault {
  id: string;
  /** What was done, for the report. */
  title: string;
  /** How long before the next refresh is due the fault starts, ms. */
  leadMs: number;
  /** Does the damage, lifts it, and resolves with what happened. */
  inject(world: SoakWorld): Promise<FaultOutcome>;
}

export interface FaultOutcome {
  /** A line saying what was done. */
  note: string;
  /** For a deleted Secret: how long it was gone. */
  restore?: SecretRestore;
}

/** A managed Secret deleted by hand, and its return, seen from outside the refresher. */
export interface SecretRestore {
  /** The destination's label. */
  destination: string;
  /** kubectl delete started, and returned, epoch ms: the Secret was deleted in between. */
  deleteStartedAt: number;
  deleteReturnedAt: number;
  /** The first read (one every 20 ms) that found a new Secret in its place, epoch ms. */
  restoredAt?: number;
  /** GetAuthorizationToken calls from the deletion to the restore. */
  ecrCalls: number;
}

export interface FaultDurations {
  ecrFaultMs: number;
  secretsApiFaultMs: number;
  etcdPauseMs: number;
  networkCutMs: number;
}

export function soakFaults(d: FaultDurations, marginMs: number, deletedNamespace: string): SoakFault[] {
  return [
    {
      id: 'leader-killed',
      title: 'leader SIGKILLed mid-write, replaced by a new pod',
      leadMs: 1_000,
      async inject(world) {
        const puts = () => world.api.requests.filter((r) => r.method === 'PUT').length;
        const before = puts();
        const leader = world.leader();
        if (!leader) throw new Error('no replica is leading');
        await waitFor(() => puts() > before, { what: 'the leader starting its next write', timeoutMs: 60_000, intervalMs: 5 });
        leader.process.child.kill('SIGKILL');
        const killedAt = Date.now();
        await leader.process.exited;
        const replacement = world.startReplica(`${leader.name}-2`);
        return { note: `${leader.name} killed during its PUT (${Date.now() - killedAt} ms to exit); ${replacement.name} started in its place` };
      },
    },
    {
      id: 'api-server-restarted',
      title: 'kube-apiserver restarted',
      leadMs: 1_000,
      async inject(world) {
        const from = Date.now();
        await world.kube.restartApiServer();
        return { note: `kube-apiserver stopped (SIGTERM) and ready again after ${((Date.now() - from) / 1000).toFixed(1)} s` };
      },
    },
    {
      id: 'etcd-paused',
      title: `etcd paused (SIGSTOP) for ${d.etcdPauseMs / 1000} s`,
      leadMs: 1_000,
      async inject(world) {
        world.kube.etcd.child.kill('SIGSTOP');
        try {
          await sleep(d.etcdPauseMs);
        } finally {
          world.kube.etcd.child.kill('SIGCONT');
        }
        return { note: `etcd stopped for ${d.etcdPauseMs / 1000} s, then continued` };
      },
    },
    {
      id: 'ecr-5xx-throttling',
      title: `ECR 500 then ThrottlingException, ${d.ecrFaultMs / 1000} s in all`,
      leadMs: 1_000,
      async inject(world) {
        const from = world.ecr.calls.length;
        world.ecr.setFault(ecrErrors.server);
        await sleep(d.ecrFaultMs / 2);
        world.ecr.setFault(ecrErrors.throttling);
        await sleep(d.ecrFaultMs / 2);
        world.ecr.setFault(undefined);
        return { note: `${world.ecr.calls.length - from} GetAuthorizationToken calls met the fault` };
      },
    },
    {
      id: 'secrets-api-409-5xx',
      title: `secrets API: two PUTs 409, then 503 for ${d.secretsApiFaultMs / 1000} s`,
      leadMs: 1_000,
      async inject(world) {
        const from = world.api.requests.length;
        world.api.failNext(2, { kind: 'status', status: 409 }, 'put');
        world.api.setFault({ kind: 'status', status: 503 }, 'put');
        await sleep(d.secretsApiFaultMs);
        world.api.setFault(undefined, 'put');
        const puts = world.api.requests.slice(from).filter((r) => r.method === 'PUT').length;
        return { note: `${puts} PUTs while the fault was on` };
      },
    },
    {
      id: 'secret-deleted',
      title: `Secret ${deletedNamespace}/${SECRET_NAME} deleted by hand`,
      // About halfway between refreshes, so that only the watch can put it back in the window:
      // planned from the last token minted, which a retry for another target may have made a
      // little later than this Secret's own.
      leadMs: marginMs / 2,
      async inject(world) {
        const url = `${world.kube.url}/api/v1/namespaces/${deletedNamespace}/secrets/${SECRET_NAME}`;
        const read = async () => {
          const got = await httpsStatus(url, { caPem: world.kube.caPem, token: world.kube.adminToken, timeoutMs: 1_500 }).catch(() => undefined);
          return got?.status === 200 ? (JSON.parse(got.body) as { metadata: { uid: string } }).metadata.uid : undefined;
        };
        const uid = await read();
        if (!uid) throw new Error(`no Secret ${deletedNamespace}/${SECRET_NAME} to delete`);
        const ecrCallsBefore = world.ecr.calls.length;
        const deleteStartedAt = Date.now();
        await world.kubectl(['delete', 'secret', '-n', deletedNamespace, SECRET_NAME]);
        const deleteReturnedAt = Date.now();
        const restoredAt = await waitFor(async () => {
          const now = await read();
          return now !== undefined && now !== uid ? Date.now() : undefined;
        }, { what: `a new Secret ${deletedNamespace}/${SECRET_NAME}`, timeoutMs: marginMs, intervalMs: 20 }).catch(() => undefined);
        const restore: SecretRestore = { destination: `${deletedNamespace}/${SECRET_NAME}`, deleteStartedAt, deleteReturnedAt, restoredAt, ecrCalls: world.ecr.calls.length - ecrCallsBefore };
        const back = restoredAt === undefined ? 'NOT back within the margin' : `back ${restoredAt - deleteReturnedAt} ms after kubectl returned (${restoredAt - deleteStartedAt} ms after it started)`;
        return { note: `kubectl delete secret -n ${deletedNamespace} ${SECRET_NAME}: ${back}, ${restore.ecrCalls} ECR calls in between`, restore };
      },
    },
    {
      id: 'network-cut',
      title: `network to the API server cut for ${d.networkCutMs / 1000} s`,
      leadMs: 1_000,
      async inject(world) {
        world.proxy.cut();
        try {
          await sleep(d.networkCutMs);
        } finally {
          world.proxy.restore();
        }
        return { note: `${world.proxy.dropped} connections reset in all so far` };
      },
    },
  ];
}
