import { describe, expect, it } from 'vitest';
import { createReadinessWatcher } from '../../src/pcc/create-readiness-watcher.js';
import { OutboundError } from '../../src/errors/outbound-error.js';
import type { SecretSetSummary } from '../../src/pcc/secret-set.js';
import { createFakeTime } from '../support/fake-time.js';

function setup(answers: (SecretSetSummary[] | Error)[]) {
  const time = createFakeTime();
  let lists = 0;
  const watcher = createReadinessWatcher({
    clock: time.clock,
    timers: time.timers,
    secrets: {
      async listSets() {
        const answer = answers[Math.min(lists++, answers.length - 1)]!;
        if (answer instanceof Error) throw answer;
        return answer;
      },
    },
  });
  return { time, watcher, lists: () => lists };
}

const set = (name: string, status: SecretSetSummary['status'], errorMessage?: string): SecretSetSummary => ({ name, type: 'imagePullSecret', status, errorMessage });

describe('createReadinessWatcher', () => {
  it('resolves once the set turns ready, serving many waiters with one poll', async () => {
    const t = setup([[set('a', 'pending'), set('b', 'pending')], [set('a', 'ready'), set('b', 'ready')]]);
    const a = t.watcher.waitReady('a', 60_000);
    const b = t.watcher.waitReady('b', 60_000);
    await t.time.advance(1_000);
    await expect(a).resolves.toMatchObject({ status: 'ready' });
    await expect(b).resolves.toMatchObject({ status: 'ready' });
    expect(t.lists()).toBe(2);
  });

  it('fails with the server message when provisioning fails', async () => {
    const t = setup([[set('a', 'failed', 'illegal base64 data')]]);
    const wait = t.watcher.waitReady('a', 60_000);
    const assertion = expect(wait).rejects.toMatchObject({ reason: 'provisioning_failed', retryable: false, message: expect.stringContaining('illegal base64 data') });
    await t.time.advance(1_000);
    await assertion;
  });

  it('times out a set that stays pending, as a retryable failure', async () => {
    const t = setup([[set('a', 'pending')]]);
    const wait = t.watcher.waitReady('a', 10_000);
    const assertion = expect(wait).rejects.toMatchObject({ reason: 'provisioning_timeout', retryable: true });
    await t.time.advance(15_000);
    await assertion;
  });

  it('keeps polling through retryable list errors, and stops on a permanent one', async () => {
    const endpoint = 'https://api.example.test:443';
    const retryable = new OutboundError('503', { code: 'ERR_OUTBOUND_STATUS', reason: 'server_error', retryable: true, endpoint });
    const t = setup([retryable, [set('a', 'ready')]]);
    const wait = t.watcher.waitReady('a', 60_000);
    // A failed poll puts the next one off by at least a second (plus jitter).
    await t.time.advance(2_500);
    await expect(wait).resolves.toMatchObject({ status: 'ready' });

    const permanent = new OutboundError('401', { code: 'ERR_OUTBOUND_STATUS', reason: 'unauthorized', retryable: false, endpoint });
    const t2 = setup([permanent]);
    const wait2 = t2.watcher.waitReady('a', 60_000);
    // The client's error is neutral; the watcher says it happened while confirming.
    const assertion = expect(wait2).rejects.toMatchObject({ stage: 'confirm', reason: 'unauthorized', retryable: false, message: '401', cause: permanent });
    await t2.time.advance(1_000);
    await assertion;
  });
});
