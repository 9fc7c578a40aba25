import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { KubeClient, KubeRequest } from '../../../src/kubernetes/api/create-kube-client.js';
import { createEventRecorder } from '../../../src/kubernetes/controller/namespace-events.js';

function recording() {
  const sent: KubeRequest[] = [];
  const client: KubeClient = { endpoint: 'https://127.0.0.1:6443', close: async () => {}, send: async <T>(call: KubeRequest) => (sent.push(call), {} as T) };
  return { client, sent };
}

describe('Events about a namespace', () => {
  it('writes a Warning Event in the namespace about our Secret, with the reason and the message', () => {
    const { client, sent } = recording();
    const events = createEventRecorder({ client, clock: { now: () => Date.UTC(2030, 0, 1) }, logger: pino({ level: 'silent' }), identity: 'pod-a' });
    events.record({ namespace: 'agents', reason: 'PullSecretRefused', message: 'Secret agents/ecr-pull is not written: … point the target at another name', object: { kind: 'Secret', name: 'ecr-pull' } });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ verb: 'create', plural: 'events', namespace: 'agents' });
    expect(sent[0]!.body).toMatchObject({
      type: 'Warning',
      reason: 'PullSecretRefused',
      involvedObject: { kind: 'Secret', namespace: 'agents', name: 'ecr-pull' },
      reportingComponent: 'ecr-token-refresher',
      reportingInstance: 'pod-a',
      lastTimestamp: '2030-01-01T00:00:00Z',
    });
  });

  it('reports a lasting problem at most once per interval, each namespace and reason on its own', () => {
    const { client, sent } = recording();
    let now = 0;
    const events = createEventRecorder({ client, clock: { now: () => now }, logger: pino({ level: 'silent' }), identity: 'pod-a', intervalMs: 60_000 });
    const refused = (namespace: string, reason = 'PullSecretRefused') => events.record({ namespace, reason, message: 'm', object: { kind: 'Secret', name: 'ecr-pull' } });
    for (let i = 0; i < 100; i++) refused('agents');
    refused('batch');
    refused('agents', 'PullSecretForbidden');
    expect(sent.map((c) => `${c.namespace} ${(c.body as { reason: string }).reason}`)).toEqual(['agents PullSecretRefused', 'batch PullSecretRefused', 'agents PullSecretForbidden']);
    now = 60_000;
    refused('agents');
    expect(sent).toHaveLength(4);
  });
});
