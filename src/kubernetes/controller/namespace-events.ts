// Tells the people of a namespace why it has no working pull Secret: a
// Warning Event in that namespace (`kubectl get events -n <ns>`), with a
// reason and a message that says what to do. A problem that persists is
// reported again at most once per interval, so a permanent refusal in a
// thousand namespaces is not an event storm. An Event that cannot be written
// (no RBAC for events, the namespace going away) is only logged: it is the
// messenger, never a reason to fail.
import type { Logger } from 'pino';
import type { Clock } from '../../schedule/clock.js';
import type { KubeClient } from '../api/create-kube-client.js';
import { MANAGER_NAME } from '../pull-secret/build-pull-secret.js';

export const EVENT_INTERVAL_MS = 10 * 60_000;

export interface NamespaceEvent {
  namespace: string;
  /** CamelCase, as Kubernetes reasons are: PullSecretRefused, PullSecretForbidden ... */
  reason: string;
  message: string;
  /** The object the Event is about: our Secret, or a ServiceAccount. */
  object: { kind: 'Secret' | 'ServiceAccount'; name: string };
}

export interface EventRecorder {
  record(event: NamespaceEvent): void;
}

export function createEventRecorder(deps: { client: KubeClient; clock: Clock; logger: Logger; identity: string; intervalMs?: number }): EventRecorder {
  const interval = deps.intervalMs ?? EVENT_INTERVAL_MS;
  const lastSent = new Map<string, number>();
  return {
    record(event) {
      const key = `${event.namespace}\u0000${event.reason}\u0000${event.object.kind}/${event.object.name}`;
      const now = deps.clock.now();
      const last = lastSent.get(key);
      if (last !== undefined && now - last < interval) return;
      lastSent.set(key, now);
      // Forget old keys so the map stays as small as the set of live problems.
      if (lastSent.size > 10_000) for (const [k, at] of lastSent) if (now - at >= interval) lastSent.delete(k);
      const stamp = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const body = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { generateName: `${event.object.name}.`, namespace: event.namespace },
        involvedObject: { apiVersion: 'v1', kind: event.object.kind, namespace: event.namespace, name: event.object.name },
        type: 'Warning',
        reason: event.reason,
        message: event.message.slice(0, 1024),
        source: { component: MANAGER_NAME },
        reportingComponent: MANAGER_NAME,
        reportingInstance: deps.identity,
        firstTimestamp: stamp,
        lastTimestamp: stamp,
        count: 1,
      };
      deps.client.send({ verb: 'create', apiVersion: 'v1', plural: 'events', namespace: event.namespace, body }).catch((error: unknown) => {
        deps.logger.debug({ err: error, namespace: event.namespace, reason: event.reason }, 'the Kubernetes Event could not be written');
      });
    },
  };
}
