import { describe, expect, it } from 'vitest';
import type { KubeClient, KubeRequest } from '../../../src/kubernetes/api/create-kube-client.js';
import { honourRetryAfter, MAX_RETRY_AFTER_TRIES } from '../../../src/kubernetes/api/honour-retry-after.js';
import { KubernetesError, type KubernetesErrorCode } from '../../../src/kubernetes/api/kubernetes-error.js';
import type { Timers } from '../../../src/schedule/clock.js';

const CALL: KubeRequest = { verb: 'patch', apiVersion: 'v1', plural: 'secrets', namespace: 'agents', name: 'ecr-pull', body: {} };

function refusal(code: KubernetesErrorCode, retryAfterMs?: number) {
  return new KubernetesError(`answered ${code}`, {
    endpoint: 'https://127.0.0.1:6443', verb: 'patch', resource: 'secrets', namespace: 'agents',
    code, reason: 'rate_limited', retryable: true, status: 429, retryAfterMs,
  });
}

function scripted(answers: (Error | 'ok')[]) {
  let sent = 0;
  const client: KubeClient = {
    endpoint: 'https://127.0.0.1:6443',
    close: async () => {},
    async send<T>(): Promise<T> {
      const answer = answers[sent++];
      if (answer instanceof Error) throw answer;
      return { ok: true } as T;
    },
  };
  return { client, sent: () => sent };
}

function recordingTimers(waits: number[]): Timers {
  return { setTimeout: (callback, ms) => (waits.push(ms), { id: setTimeout(callback, 0) }), clearTimeout: () => {} };
}

describe('honouring Retry-After', () => {
  it('waits what the API server asked and sends the request again', async () => {
    const { client, sent } = scripted([refusal('ERR_KUBE_RATE_LIMITED', 2000), 'ok']);
    const waits: number[] = [];
    await expect(honourRetryAfter(client, recordingTimers(waits)).send(CALL)).resolves.toEqual({ ok: true });
    expect(waits).toEqual([2000]);
    expect(sent()).toBe(2);
  });

  it(`gives up after ${MAX_RETRY_AFTER_TRIES} tries, leaving the rest to the caller's backoff`, async () => {
    const { client, sent } = scripted(Array.from({ length: 5 }, () => refusal('ERR_KUBE_RATE_LIMITED', 1000)));
    await expect(honourRetryAfter(client, recordingTimers([])).send(CALL)).rejects.toMatchObject({ code: 'ERR_KUBE_RATE_LIMITED' });
    expect(sent()).toBe(MAX_RETRY_AFTER_TRIES);
  });

  it('passes a 429 without Retry-After, and any other failure, straight on', async () => {
    for (const error of [refusal('ERR_KUBE_RATE_LIMITED'), refusal('ERR_KUBE_SERVER', 1000)]) {
      const { client, sent } = scripted([error, 'ok']);
      await expect(honourRetryAfter(client, recordingTimers([])).send(CALL)).rejects.toBe(error);
      expect(sent()).toBe(1);
    }
  });

  it('caps a very long Retry-After at a minute', async () => {
    const { client } = scripted([refusal('ERR_KUBE_RATE_LIMITED', 3_600_000), 'ok']);
    const waits: number[] = [];
    await honourRetryAfter(client, recordingTimers(waits)).send(CALL);
    expect(waits).toEqual([60_000]);
  });
});
