// Reads and writes the one Lease an elector competes for. Every call is
// bounded so that a hung request leaves time for another attempt before the
// renew deadline.
import type { Logger } from 'pino';
import type { KubeClient } from '../api/create-kube-client.js';
import { releasedSpec, type LeaseObject, type LeaseSpec } from './lease-rules.js';
import { isKubernetesError } from '../api/kubernetes-error.js';

export interface LeaseAccess {
  /** The Lease, or undefined when it does not exist yet. */
  read(): Promise<LeaseObject | undefined>;
  /** Creates the Lease (when none was read) or replaces the one read, carrying its resourceVersion. */
  write(current: LeaseObject | undefined, spec: LeaseSpec): Promise<LeaseObject>;
  /** Clears the holder if it is still `identity`; a failure is logged, never thrown. */
  release(identity: string, now: number): Promise<void>;
}

const LEASES = { apiVersion: 'coordination.k8s.io/v1', plural: 'leases' } as const;

export function createLeaseAccess(deps: { client: KubeClient; namespace: string; leaseName: string; timeoutMs: number; log: Logger }): LeaseAccess {
  const { client, namespace, leaseName: name, timeoutMs, log } = deps;
  const key = { namespace, name };

  async function read(): Promise<LeaseObject | undefined> {
    try {
      return await client.send<LeaseObject>({ verb: 'get', ...LEASES, ...key, timeoutMs });
    } catch (error) {
      if (isKubernetesError(error, 'ERR_KUBE_NOT_FOUND')) return undefined;
      throw error;
    }
  }

  async function write(current: LeaseObject | undefined, spec: LeaseSpec): Promise<LeaseObject> {
    const body: LeaseObject = { apiVersion: LEASES.apiVersion, kind: 'Lease', metadata: current?.metadata ?? { name, namespace }, spec };
    return current === undefined
      ? client.send<LeaseObject>({ verb: 'create', ...LEASES, namespace, body, timeoutMs })
      : client.send<LeaseObject>({ verb: 'update', ...LEASES, ...key, body, timeoutMs });
  }

  async function release(identity: string, now: number): Promise<void> {
    try {
      const lease = await read();
      if (!lease?.spec || lease.spec.holderIdentity !== identity) return;
      const body = { ...lease, spec: releasedSpec(lease.spec, now) };
      await client.send<LeaseObject>({ verb: 'update', ...LEASES, ...key, body, timeoutMs });
      log.info({}, 'released the lease');
    } catch (error) {
      log.warn({ err: error }, 'could not release the lease; a standby takes over when it expires');
    }
  }

  return { read, write, release };
}
