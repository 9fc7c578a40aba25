import { describe, expect, it } from 'vitest';
import { createReadinessWatcher } from '../../src/pcc/create-readiness-watcher.js';
import type { SecretSetSummary } from '../../src/pcc/secret-set.js';
import { createFakeTime } from '../support/fake-time.js';

describe('readiness poll schedule', () => {
  it('sees a set that is ready at once 25 ms after its PUT, with one poll', async () => {
    const time = createFakeTime(0);
    const polledAt: number[] = [];
    const watcher = createReadinessWatcher({
      clock: time.clock,
      timers: time.timers,
      secrets: {
        async listSets(): Promise<SecretSetSummary[]> {
          polledAt.push(time.clock.now());
          return [{ name: 'a', type: 'imagePullSecret', status: 'ready' }];
        },
      },
    });
    const wait = watcher.waitReady('a', 10_000);
    await time.advance(25);
    await expect(wait).resolves.toMatchObject({ status: 'ready' });
    expect(polledAt).toEqual([25]);
  });

  it('first looks 25 ms after the PUT, then at 100 ms, then doubles the gap up to one poll every 2 s', async () => {
    const time = createFakeTime(0);
    const polledAt: number[] = [];
    const watcher = createReadinessWatcher({
      clock: time.clock,
      timers: time.timers,
      secrets: {
        async listSets(): Promise<SecretSetSummary[]> {
          polledAt.push(time.clock.now());
          return [{ name: 'a', type: 'imagePullSecret', status: 'pending' }];
        },
      },
    });
    const wait = watcher.waitReady('a', 10_000);
    const assertion = expect(wait).rejects.toMatchObject({ reason: 'provisioning_timeout' });
    await time.advance(12_000);
    await assertion;
    // The poll after the deadline is the one that gives up.
    expect(polledAt).toEqual([25, 100, 300, 700, 1_500, 3_100, 5_100, 7_100, 9_100, 11_100]);
  });

  it('sees a set that is ready within 300 ms on the third poll, at 300 ms', async () => {
    const time = createFakeTime(0);
    let polls = 0;
    const watcher = createReadinessWatcher({
      clock: time.clock,
      timers: time.timers,
      secrets: {
        async listSets(): Promise<SecretSetSummary[]> {
          polls++;
          return [{ name: 'a', type: 'imagePullSecret', status: time.clock.now() >= 300 ? 'ready' : 'pending' }];
        },
      },
    });
    const wait = watcher.waitReady('a', 10_000);
    await time.advance(299);
    expect(polls).toBe(2);
    await time.advance(1);
    await expect(wait).resolves.toMatchObject({ status: 'ready' });
    expect(polls).toBe(3);
  });
});
