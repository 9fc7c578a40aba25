// An in-memory Lease endpoint for driving the elector on simulated time: it
// answers like the API server does for Leases (404 for none, 409 for a create
// over an existing one or an update carrying a stale resourceVersion) and
// records every write with the simulated moment it was made.
import type { KubeClient, KubeRequest } from '../../../src/kubernetes/api/create-kube-client.js';
import type { LeaseObject } from '../../../src/kubernetes/lease/lease-rules.js';
import { KubernetesError } from '../../../src/kubernetes/api/kubernetes-error.js';
import type { Clock } from '../../../src/schedule/clock.js';

const ENDPOINT = 'https://127.0.0.1:6443';

export interface LeaseWrite {
  at: number;
  verb: 'create' | 'update';
  holder: string | null | undefined;
}

export function createLeaseStore(clock: Clock, initial?: LeaseObject) {
  let stored: LeaseObject | undefined = initial && { ...initial, metadata: { ...initial.metadata, resourceVersion: '1' } };
  let version = 1;
  const writes: LeaseWrite[] = [];

  function refuse(call: KubeRequest, status: 404 | 409): never {
    const site = { endpoint: ENDPOINT, verb: call.verb, resource: 'leases.coordination.k8s.io', namespace: call.namespace ?? '', name: call.name };
    throw new KubernetesError(`Kubernetes ${call.verb} leases: ${status}`, {
      ...site,
      code: status === 404 ? 'ERR_KUBE_NOT_FOUND' : 'ERR_KUBE_CONFLICT',
      reason: status === 404 ? 'not_found' : 'conflict',
      retryable: status === 409,
      status,
    });
  }

  function save(call: KubeRequest, body: LeaseObject): LeaseObject {
    stored = structuredClone({ ...body, metadata: { ...body.metadata, resourceVersion: String(++version) } });
    writes.push({ at: clock.now(), verb: call.verb as LeaseWrite['verb'], holder: body.spec?.holderIdentity });
    return structuredClone(stored);
  }

  const client: KubeClient = {
    endpoint: ENDPOINT,
    async send<T>(call: KubeRequest): Promise<T> {
      await Promise.resolve();
      const body = call.body as LeaseObject | undefined;
      if (call.verb === 'get') return (stored ? structuredClone(stored) : refuse(call, 404)) as T;
      if (call.verb === 'create') return (stored ? refuse(call, 409) : save(call, body!)) as T;
      if (!stored || body?.metadata.resourceVersion !== stored.metadata.resourceVersion) refuse(call, stored ? 409 : 404);
      return save(call, body!) as T;
    },
    close: async () => {},
  };
  return { client, writes, lease: () => stored };
}
