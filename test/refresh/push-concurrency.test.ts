import { describe, expect, it } from 'vitest';
import { createOneShotDriver } from '../../src/drivers/create-one-shot-driver.js';
import { createPipecatSink } from '../../src/pcc/create-pipecat-sink.js';
import { captureLog } from '../support/capture-log.js';
import { createFakeMinter } from '../support/fake-minter.js';
import { createFakeSecretsClient } from '../support/fake-secrets-client.js';
import { createFakeTime } from '../support/fake-time.js';
import { makeConfig, makeTarget } from '../support/make-config.js';

function setup(targets: number, pushConcurrency: number) {
  const time = createFakeTime();
  const secrets = createFakeSecretsClient();
  let inFlight = 0;
  let mostInFlight = 0;
  const putSet = secrets.putSet.bind(secrets);
  // Each PUT takes 100 ms of simulated time.
  secrets.putSet = async (name, body) => {
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
    await new Promise<void>((resolve) => time.timers.setTimeout(resolve, 100));
    inFlight--;
    return putSet(name, body);
  };
  const refresher = createOneShotDriver({
    config: makeConfig({ pushConcurrency, targets: Array.from({ length: targets }, (_, i) => makeTarget({ name: `set-${i}` })) }),
    clock: time.clock,
    timers: time.timers,
    mint: createFakeMinter(time.clock).mint,
    sinks: { pipecat: createPipecatSink({ secrets, clock: time.clock, timers: time.timers }) },
    logger: captureLog().logger,
    random: () => 0.5,
  });
  return { time, secrets, refresher, mostInFlight: () => mostInFlight };
}

describe('push concurrency', () => {
  it('keeps at most PUSH_CONCURRENCY PUTs in flight, and reaches that many', async () => {
    const t = setup(20, 4);
    const run = t.refresher.run();
    await t.time.advance(10_000);
    const outcomes = await run;
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(t.secrets.puts).toHaveLength(20);
    expect(t.mostInFlight()).toBe(4);
  });

  it('does not hold a push slot while a set is waiting to become ready', async () => {
    const t = setup(3, 1);
    // Sets stay pending: with a slot held through the confirm wait, the second
    // PUT would only go out when the first set's CONFIRM_TIMEOUT (2 m) ran out.
    t.secrets.outcome = 'pending';
    const run = t.refresher.run();
    await t.time.advance(1_000);
    expect(t.secrets.puts.map((p) => p.name)).toEqual(['set-0', 'set-1', 'set-2']);
    expect(t.mostInFlight()).toBe(1);
    const stopped = t.refresher.stop(0);
    await t.time.advance(1);
    await stopped;
    await run;
  });
});
