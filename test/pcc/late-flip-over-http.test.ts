// The Pipecat Cloud sink over real HTTP (undici) against the secrets API
// stand-in in its late-flip mode: after a PUT, a set that was ready keeps
// reporting its old `ready` before it goes pending, then ready with the new
// value. The sink's confirm must not return before the stand-in's
// provisioning of the new value has ended. Also over real HTTP: a readiness
// poll answered 429 with Retry-After (seconds, or an HTTP date) is not
// followed by another poll before that time.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPipecatSink } from '../../src/pcc/create-pipecat-sink.js';
import { createSecretsClient } from '../../src/pcc/create-secrets-client.js';
import { systemClock, systemTimers } from '../../src/schedule/clock.js';
import { startSecretsApiStandIn, type SecretsApiStandIn } from '../../stand-ins/secrets-api-stand-in.js';
import { createFakeMinter } from '../support/fake-minter.js';
import { makeTarget } from '../support/make-config.js';

const LATE_FLIP_MS = 1_500;
const PROVISIONING_MS = 300;
let api: SecretsApiStandIn;

beforeAll(async () => {
  api = await startSecretsApiStandIn({ provisioningDelayMs: PROVISIONING_MS });
});
afterEach(() => api.reset());
afterAll(() => api.close());

function sinkAndMinter() {
  const secrets = createSecretsClient({ apiUrl: api.url, apiKey: api.apiKey, requestTimeoutMs: 5_000, clock: systemClock });
  const sink = createPipecatSink({ secrets, clock: systemClock, timers: systemTimers });
  return { secrets, sink, minter: createFakeMinter(systemClock) };
}

/** One plan → publish → confirm of `set` with a fresh token; returns when confirm returned and what the plan said. */
async function refresh(set: string, timeoutMs = 30_000) {
  const { sink, minter } = sinkAndMinter();
  const target = makeTarget({ secretSet: set });
  try {
    const batch = sink.batch();
    const plan = await batch.plan(target, await minter.mint(target));
    await batch.publish(plan);
    const putAnsweredAt = Date.now();
    await batch.confirm(plan, timeoutMs);
    return { confirmedAt: Date.now(), putAnsweredAt, plan, token: minter.issued[0]! };
  } finally {
    sink.stop();
  }
}

async function waitUntilReady(set: string) {
  for (let i = 0; i < 100 && api.getSet(set)?.status !== 'ready'; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(api.getSet(set)?.status).toBe('ready');
}

describe('confirmation against a late status flip (real HTTP)', () => {
  it('does not confirm an update of a ready set until the stand-in has provisioned the new value', async () => {
    const first = await refresh('late-flip-a');
    expect(first.plan.details).toMatchObject({ created: true, confirmation: 'new-set' });
    await waitUntilReady('late-flip-a');

    api.setLateFlip(LATE_FLIP_MS);
    const second = await refresh('late-flip-a');
    const set = api.getSet('late-flip-a')!;
    expect(Buffer.from(set.secretValue!, 'base64').toString()).toBe(`AWS:${second.token.password}`);
    expect(set.settledAt, 'the new value finished provisioning').toBeDefined();
    expect(second.confirmedAt).toBeGreaterThanOrEqual(set.settledAt!);
    expect(second.confirmedAt - second.putAnsweredAt).toBeGreaterThanOrEqual(LATE_FLIP_MS + PROVISIONING_MS - 50);
    expect(second.plan.details).toMatchObject({ previousStatus: 'ready', confirmation: 'status-change' });
    // The look that showed the flip was a list taken during the stand-in's pending window.
    const lists = api.requests.filter((r) => r.method === 'GET' && r.path === '/v1/secrets');
    expect(lists.length).toBeGreaterThanOrEqual(3);
  });

  it('confirms a set that never shows pending only after the settle window (half a 4 s timeout)', async () => {
    // A provisioning delay of 0: the set reads `ready` at every look, before and after the PUT.
    const quiet = await startSecretsApiStandIn({ provisioningDelayMs: 0 });
    try {
      const secrets = createSecretsClient({ apiUrl: quiet.url, apiKey: quiet.apiKey, requestTimeoutMs: 5_000, clock: systemClock });
      const sink = createPipecatSink({ secrets, clock: systemClock, timers: systemTimers });
      const minter = createFakeMinter(systemClock);
      const target = makeTarget({ secretSet: 'late-flip-b' });
      for (const expected of ['new-set', 'settled']) {
        const batch = sink.batch();
        const plan = await batch.plan(target, await minter.mint(target));
        await batch.publish(plan);
        const started = Date.now();
        await batch.confirm(plan, 4_000);
        expect(plan.details.confirmation).toBe(expected);
        if (expected === 'settled') expect(Date.now() - started).toBeGreaterThanOrEqual(2_000 - 50);
      }
      sink.stop();
    } finally {
      await quiet.close();
    }
  });

  it('waits out a 429 with Retry-After in seconds before polling readiness again', async () => {
    const { sink, minter } = sinkAndMinter();
    const target = makeTarget({ secretSet: 'retry-after-seconds' });
    const batch = sink.batch();
    const plan = await batch.plan(target, await minter.mint(target));
    await batch.publish(plan);
    api.failNext(1, { kind: 'status', status: 429, headers: { 'retry-after': '2' } }, 'list');
    await batch.confirm(plan, 30_000);
    sink.stop();
    const polls = api.requests.filter((r) => r.method === 'GET' && r.path === '/v1/secrets').map((r) => r.at);
    // The plan's list, the poll answered 429, the poll after Retry-After (plus up to 20 % jitter).
    expect(polls).toHaveLength(3);
    expect(polls[2]! - polls[1]!).toBeGreaterThanOrEqual(2_000);
    expect(polls[2]! - polls[1]!).toBeLessThan(2_000 * 1.2 + 1_000);
  });

  it('waits out a 429 with Retry-After as an HTTP date', async () => {
    const { sink, minter } = sinkAndMinter();
    const target = makeTarget({ secretSet: 'retry-after-date' });
    const batch = sink.batch();
    const plan = await batch.plan(target, await minter.mint(target));
    await batch.publish(plan);
    // HTTP dates have whole seconds: 3 s from now is at least 2 s away.
    const until = new Date(Date.now() + 3_000);
    api.failNext(1, { kind: 'status', status: 429, headers: { 'retry-after': until.toUTCString() } }, 'list');
    await batch.confirm(plan, 30_000);
    sink.stop();
    const polls = api.requests.filter((r) => r.method === 'GET' && r.path === '/v1/secrets').map((r) => r.at);
    expect(polls).toHaveLength(3);
    expect(polls[2]!).toBeGreaterThanOrEqual(Math.floor(until.getTime() / 1000) * 1000 - 5);
  });
});
