// What a confirmation proves when the list's status can change late: a set
// that was `ready` (or `failed`) before the PUT and still says so has not been
// shown to hold the new value. It counts once a look after the PUT saw it
// leave that state, or once the unchanged state has held for the settle
// window; a list asked for before the PUT was answered counts for nothing.
// Failed polls (429 with Retry-After, 5xx) put the next look off, with jitter.
import { describe, expect, it } from 'vitest';
import { OutboundError } from '../../src/errors/outbound-error.js';
import { createReadinessWatcher, FAILED_POLL_FLOOR_MS } from '../../src/pcc/create-readiness-watcher.js';
import { SETTLE_MS } from '../../src/pcc/readiness-verdict.js';
import type { SecretSetStatus, SecretSetSummary } from '../../src/pcc/secret-set.js';
import { createFakeTime } from '../support/fake-time.js';

const ENDPOINT = 'https://api.example.test:443';

/** A watcher whose list answers from `answer(now)` (a status for set 'a', or an error); records when it polled. */
function watch(answer: (now: number) => SecretSetStatus | Error, options: { random?: () => number } = {}) {
  const time = createFakeTime(0);
  const polledAt: number[] = [];
  const watcher = createReadinessWatcher({
    clock: time.clock,
    timers: time.timers,
    random: options.random ?? (() => 0),
    secrets: {
      async listSets(): Promise<SecretSetSummary[]> {
        polledAt.push(time.clock.now());
        const result = answer(time.clock.now());
        if (result instanceof Error) throw result;
        return [{ name: 'a', type: 'imagePullSecret', status: result }];
      },
    },
  });
  return { time, polledAt, watcher };
}

/** Resolves to when the wait settled and how, for assertions on order. */
function track<T>(promise: Promise<T>, time: { clock: { now(): number } }) {
  const outcome: { at?: number; value?: T; error?: unknown } = {};
  promise.then(
    (value) => Object.assign(outcome, { at: time.clock.now(), value }),
    (error: unknown) => Object.assign(outcome, { at: time.clock.now(), error }),
  );
  return outcome;
}

const rateLimited = (retryAfterMs?: number) =>
  new OutboundError('Pipecat Cloud GET answered HTTP 429', { code: 'ERR_OUTBOUND_STATUS', reason: 'rate_limited', retryable: true, status: 429, retryAfterMs, endpoint: ENDPOINT });

describe('confirmation when the status changes late', () => {
  it('does not confirm a set that was ready before the PUT while it still reports the old ready; confirms after pending, then ready', async () => {
    // Old `ready` for 3 s after the PUT, `pending` for 1 s, then `ready` with the new value.
    const { time, watcher } = watch((now) => (now < 3_000 ? 'ready' : now < 4_000 ? 'pending' : 'ready'));
    const outcome = track(watcher.waitReady('a', 120_000, 'ready'), time);
    await time.advance(2_999);
    expect(outcome.at).toBeUndefined();
    await time.advance(3_000);
    expect(outcome.value).toMatchObject({ status: 'ready', confirmation: 'status-change' });
    expect(outcome.at).toBeGreaterThanOrEqual(4_000);
  });

  it('confirms a new set at its first ready look', async () => {
    const { time, watcher } = watch(() => 'ready');
    const outcome = track(watcher.waitReady('a', 120_000, undefined), time);
    await time.advance(25);
    expect(outcome).toMatchObject({ at: 25, value: { confirmation: 'new-set' } });
  });

  it('confirms a set that never shows pending only once its ready has held for the settle window', async () => {
    const { time, watcher } = watch(() => 'ready');
    const outcome = track(watcher.waitReady('a', 120_000, 'ready'), time);
    await time.advance(SETTLE_MS - 1);
    expect(outcome.at).toBeUndefined();
    await time.advance(2_001);
    expect(outcome.value).toMatchObject({ confirmation: 'settled' });
    expect(outcome.at).toBeGreaterThanOrEqual(SETTLE_MS);
  });

  it('settles within half the confirm timeout when that is shorter than the settle window', async () => {
    const { time, watcher } = watch(() => 'ready');
    const outcome = track(watcher.waitReady('a', 6_000, 'ready'), time);
    await time.advance(2_999);
    expect(outcome.at).toBeUndefined();
    await time.advance(2_000);
    expect(outcome.value).toMatchObject({ confirmation: 'settled' });
  });

  it('does not fail on a stale `failed` from before the PUT, and confirms when the set turns ready', async () => {
    const { time, watcher } = watch((now) => (now < 2_000 ? 'failed' : 'ready'));
    const outcome = track(watcher.waitReady('a', 120_000, 'failed'), time);
    await time.advance(1_999);
    expect(outcome.at).toBeUndefined();
    await time.advance(2_000);
    expect(outcome.value).toMatchObject({ status: 'ready', confirmation: 'status-change' });
  });

  it('reports a `failed` that follows the PUT, after the set was seen pending', async () => {
    const { time, watcher } = watch((now) => (now < 500 ? 'pending' : 'failed'));
    const outcome = track(watcher.waitReady('a', 120_000, 'ready'), time);
    await time.advance(1_000);
    expect(outcome.error).toMatchObject({ reason: 'provisioning_failed', retryable: false });
  });

  it('waits out the settle window for a set that was pending before the PUT (an earlier write may be what turns ready)', async () => {
    const { time, watcher } = watch((now) => (now < 300 ? 'pending' : 'ready'));
    const outcome = track(watcher.waitReady('a', 120_000, 'pending'), time);
    await time.advance(5_000);
    expect(outcome.at).toBeUndefined();
    await time.advance(SETTLE_MS);
    expect(outcome.value).toMatchObject({ confirmation: 'settled' });
  });

  it('ignores a list asked for before the PUT was answered', async () => {
    const time = createFakeTime(0);
    const lists: Array<(sets: SecretSetSummary[]) => void> = [];
    const watcher = createReadinessWatcher({
      clock: time.clock,
      timers: time.timers,
      random: () => 0,
      secrets: { listSets: () => new Promise((resolve) => lists.push(resolve)) },
    });
    const a = track(watcher.waitReady('a', 120_000, undefined), time);
    await time.advance(25);
    expect(lists).toHaveLength(1);
    // While that list is in flight, set b's PUT is answered; b was new, so any `ready` would count.
    const b = track(watcher.waitReady('b', 120_000, undefined), time);
    lists[0]!([
      { name: 'a', type: 'imagePullSecret', status: 'ready' },
      { name: 'b', type: 'imagePullSecret', status: 'ready' },
    ]);
    await time.settle();
    expect(a.value).toMatchObject({ name: 'a', confirmation: 'new-set' });
    expect(b.at).toBeUndefined();
    await time.advance(75);
    expect(lists).toHaveLength(2);
    lists[1]!([{ name: 'b', type: 'imagePullSecret', status: 'ready' }]);
    await time.settle();
    expect(b.value).toMatchObject({ name: 'b', confirmation: 'new-set' });
  });
});

describe('readiness polling after a failed poll', () => {
  it('honours a 429 Retry-After: the next look waits that long, plus jitter', async () => {
    let n = 0;
    const { time, polledAt, watcher } = watch(() => (n++ === 0 ? rateLimited(30_000) : 'ready'), { random: () => 0.5 });
    const outcome = track(watcher.waitReady('a', 120_000, undefined), time);
    await time.advance(60_000);
    // First look at 25 ms; the next one 30 s x (1 + 0.2 x 0.5) later.
    expect(polledAt).toEqual([25, 25 + 33_000]);
    expect(outcome.value).toMatchObject({ confirmation: 'new-set' });
  });

  it('waits at least a second after a 429 without Retry-After, or a 503, and never polls in a tight loop', async () => {
    const unavailable = new OutboundError('503', { code: 'ERR_OUTBOUND_STATUS', reason: 'server_error', retryable: true, status: 503, endpoint: ENDPOINT });
    const { time, polledAt, watcher } = watch((now) => (now < 5_000 ? rateLimited() : now < 10_000 ? unavailable : 'ready'), { random: Math.random });
    const outcome = track(watcher.waitReady('a', 120_000, undefined), time);
    await time.advance(20_000);
    expect(outcome.value).toMatchObject({ confirmation: 'new-set' });
    const gaps = polledAt.slice(1).map((at, i) => at - polledAt[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(FAILED_POLL_FLOOR_MS);
    expect(polledAt.length).toBeGreaterThanOrEqual(6);
    expect(polledAt.length).toBeLessThanOrEqual(11);
  });

  it('ends the wait at its deadline with the 429 when Retry-After reaches past it', async () => {
    const { time, polledAt, watcher } = watch(() => rateLimited(300_000));
    const outcome = track(watcher.waitReady('a', 20_000, undefined), time);
    await time.advance(60_000);
    expect(outcome.at).toBe(20_000);
    expect(outcome.error).toMatchObject({ stage: 'confirm', reason: 'rate_limited', retryable: true, status: 429 });
    expect(polledAt).toEqual([25]);
  });
});
