import { describe, expect, it } from 'vitest';
import { createReadinessWatcher } from '../../src/pcc/create-readiness-watcher.js';
import type { SecretSetStatus, SecretSetSummary } from '../../src/pcc/secret-set.js';
import { createFakeTime } from '../support/fake-time.js';

/** A watcher over one set 'a' whose status at each poll comes from `statusAt(now)`; records when it polled. */
function watchOneSet(statusAt: (now: number) => SecretSetStatus) {
  const time = createFakeTime(0);
  const polledAt: number[] = [];
  const watcher = createReadinessWatcher({
    clock: time.clock,
    timers: time.timers,
    secrets: {
      async listSets(): Promise<SecretSetSummary[]> {
        polledAt.push(time.clock.now());
        return [{ name: 'a', type: 'imagePullSecret', status: statusAt(time.clock.now()) }];
      },
    },
  });
  return { time, polledAt, wait: watcher.waitReady('a', 10_000) };
}

describe('readiness poll schedule', () => {
  it('sees a set that is ready at once 25 ms after its PUT, with one poll', async () => {
    const { time, polledAt, wait } = watchOneSet(() => 'ready');
    await time.advance(25);
    await expect(wait).resolves.toMatchObject({ status: 'ready' });
    expect(polledAt).toEqual([25]);
  });

  it('first looks 25 ms after the PUT, then at 100 ms, then doubles the gap up to one poll every 2 s', async () => {
    const { time, polledAt, wait } = watchOneSet(() => 'pending');
    const assertion = expect(wait).rejects.toMatchObject({ reason: 'provisioning_timeout' });
    await time.advance(12_000);
    await assertion;
    // The poll after the deadline is the one that gives up.
    expect(polledAt).toEqual([25, 100, 300, 700, 1_500, 3_100, 5_100, 7_100, 9_100, 11_100]);
  });

  it('sees a set that is ready within 300 ms on the third poll, at 300 ms', async () => {
    const { time, polledAt, wait } = watchOneSet((now) => (now >= 300 ? 'ready' : 'pending'));
    await time.advance(299);
    expect(polledAt).toHaveLength(2);
    await time.advance(1);
    await expect(wait).resolves.toMatchObject({ status: 'ready' });
    expect(polledAt).toEqual([25, 100, 300]);
  });
});
