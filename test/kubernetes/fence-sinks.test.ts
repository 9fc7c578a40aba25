import { describe, expect, it } from 'vitest';
import type { EcrToken } from '../../src/ecr/ecr-token.js';
import { fenceSinks } from '../../src/sink/fence-sinks.js';
import type { Sink, SinkPlan, WriteFence } from '../../src/sink/sink.js';
import { makeTarget } from '../support/make-config.js';

// A sink that records what reaches it: the fence must stop publishes, not reads.
function recordingSink(calls: string[], fences: (WriteFence | undefined)[]): Sink {
  return {
    describe: (target) => ({ kind: 'pipecat', name: target.name }),
    info: () => ({ format: 'auto' }),
    batch: () => ({
      plan: async (target, token) => {
        calls.push('plan');
        return { target, token, creating: false, details: {}, preview: { method: 'PUT', url: 'u', headers: {}, body: {} } };
      },
      publish: async (_plan, fence) => {
        calls.push('publish');
        fences.push(fence);
      },
      confirm: async () => void calls.push('confirm'),
    }),
    stop: () => void calls.push('stop'),
  };
}

const token = { password: 'p', authorizationToken: 'a', expiresAt: 0, proxyEndpoint: 'https://h', registryHost: 'h' } as EcrToken;

describe('fenceSinks', () => {
  it('lets a publish through while the term holds, handing the sink the fence, and refuses it, permanently, once the term has lapsed', async () => {
    const calls: string[] = [];
    const fences: (WriteFence | undefined)[] = [];
    let leading = true;
    const fence: WriteFence = { holds: () => leading, signal: new AbortController().signal };
    const sink = fenceSinks({ pipecat: recordingSink(calls, fences) }, fence).pipecat!;
    const batch = sink.batch();
    const plan: SinkPlan = await batch.plan(makeTarget(), token);
    await batch.publish(plan);
    leading = false;
    await expect(batch.publish(plan)).rejects.toMatchObject({ retryable: false, stage: 'push', message: expect.stringContaining('no longer holds the leader election Lease') });
    await batch.confirm(plan, 1000);
    expect(calls).toEqual(['plan', 'publish', 'confirm']);
    expect(fences).toEqual([fence]);
  });
});
