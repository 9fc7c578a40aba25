import { describe, expect, it } from 'vitest';
import type { RiskEvent } from '../../src/alerts/risk-notifier.js';
import { RefreshError } from '../../src/errors/refresh-error.js';
import { createMetrics } from '../../src/metrics/create-metrics.js';
import { createDaemonDriver, type DaemonDriver } from '../../src/drivers/create-daemon-driver.js';
import { createOneShotDriver, type OneShotDriver, type OneShotOptions } from '../../src/drivers/create-one-shot-driver.js';
import { createTargetObserver } from '../../src/metrics/create-target-observer.js';
import { createPipecatSink } from '../../src/pcc/create-pipecat-sink.js';
import { leadershipLapsedError } from '../../src/sink/fence-sinks.js';
import type { EngineDeps } from '../../src/refresh/create-engine.js';
import type { Scheduler } from '../../src/schedule/scheduler.js';
import { captureLog } from '../support/capture-log.js';
import { createFakeMinter } from '../support/fake-minter.js';
import { createFakeSecretsClient } from '../support/fake-secrets-client.js';
import { createFakeTime } from '../support/fake-time.js';
import { makeConfig, makeTarget } from '../support/make-config.js';

const HOUR = 3600_000;

function setup(overrides: Parameters<typeof makeConfig>[0] = {}, oneShotOptions: OneShotOptions = {}) {
  const time = createFakeTime();
  const minter = createFakeMinter(time.clock);
  const secrets = createFakeSecretsClient();
  const log = captureLog();
  const metrics = createMetrics({ version: 'test', defaultMetrics: false });
  const events: RiskEvent[] = [];
  let tick: (() => void) | undefined;
  const scheduler: Scheduler = {
    start: (onTick) => void (tick = onTick),
    stop: () => void (tick = undefined),
    nextRun: () => time.clock.now() + 6 * HOUR,
    longestIntervalMs: () => 6 * HOUR,
  };
  const config = makeConfig(overrides);
  const deps: EngineDeps = {
    config,
    clock: time.clock,
    timers: time.timers,
    mint: minter.mint,
    sinks: { pipecat: createPipecatSink({ secrets, clock: time.clock, timers: time.timers }) },
    logger: log.logger,
    observer: createTargetObserver(metrics),
    random: () => 0.5,
    notifier: { notify: async (e) => void events.push(e) },
  };
  // A process runs one driver; each test uses the one it names first.
  let driver: DaemonDriver | OneShotDriver | undefined;

  const metric = async (name: string, labels: Record<string, string> = { secret_set: 'ecr-pull' }) => {
    const found = (await metrics.registry.getSingleMetric(name)?.get())?.values.find((v) =>
      Object.entries(labels).every(([k, val]) => v.labels[k] === val),
    );
    return found?.value;
  };
  return {
    time,
    minter,
    secrets,
    log,
    metrics,
    events,
    config,
    metric,
    tick: () => tick?.(),
    get daemon() {
      return (driver ??= createDaemonDriver({ ...deps, scheduler })) as DaemonDriver;
    },
    get once() {
      return (driver ??= createOneShotDriver(deps, oneShotOptions)) as OneShotDriver;
    },
    driver: () => driver!,
  };
}

const http = (status: number, reason: RefreshError['reason'], retryable: boolean, stage: RefreshError['stage'] = 'push') =>
  new RefreshError(`HTTP ${status}`, { stage, reason, retryable, status });

describe('the daemon and one-shot drivers', () => {
  it('makes one ECR call per distinct (region, registry, role), however many sets share it', async () => {
    const t = setup({
      targets: [
        makeTarget({ name: 'a-pull', registryId: '111111111111' }),
        makeTarget({ name: 'b-pull', registryId: '111111111111' }),
        makeTarget({ name: 'c-pull', registryId: '222222222222' }),
        makeTarget({ name: 'd-pull', registryId: '111111111111', awsRegion: 'eu-west-1' }),
      ],
    });
    const run = t.once.run();
    await t.time.advance(5_000);
    const outcomes = await run;
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(t.minter.calls).toHaveLength(3);
    expect(t.secrets.puts.map((p) => p.name).sort()).toEqual(['a-pull', 'b-pull', 'c-pull', 'd-pull']);
  });

  it('creates a new set as an image pull secret in auto format', async () => {
    const t = setup();
    const run = t.once.run();
    await t.time.advance(5_000);
    await run;
    const body = t.secrets.puts[0]!.body as { isImagePullSecret: boolean; host: string; secretValue: string };
    expect(body.isImagePullSecret).toBe(true);
    expect(body.host).toBe('https://111122223333.dkr.ecr.us-east-1.amazonaws.com');
    expect(Buffer.from(body.secretValue, 'base64').toString()).toBe(`AWS:${t.minter.issued[0]!.password}`);
  });

  it('keeps the triplet for an existing regular set in auto format', async () => {
    const t = setup();
    t.secrets.sets.set('ecr-pull', { name: 'ecr-pull', type: 'secret', region: 'us-west', status: 'ready' });
    const run = t.once.run();
    await t.time.advance(5_000);
    await run;
    expect(t.secrets.puts[0]!.body).toEqual({
      secrets: [
        { secretKey: 'username', secretValue: 'AWS' },
        { secretKey: 'password', secretValue: t.minter.issued[0]!.password },
        { secretKey: 'registry', secretValue: '111122223333.dkr.ecr.us-east-1.amazonaws.com' },
      ],
    });
  });

  it('refuses to turn an existing regular set into an image pull secret, without sending', async () => {
    const t = setup({ targets: [makeTarget({ format: 'image-pull-secret' })] });
    t.secrets.sets.set('ecr-pull', { name: 'ecr-pull', type: 'secret', region: 'us-west', status: 'ready' });
    const run = t.once.run();
    await t.time.advance(5_000);
    const [outcome] = await run;
    expect(outcome!.ok).toBe(false);
    expect(outcome!.error?.reason).toBe('config');
    expect(outcome!.error?.message).toMatch(/delete the set/);
    expect(t.secrets.puts).toHaveLength(0);
  });

  it('retries a 409 with backoff in the daemon and succeeds once it clears', async () => {
    const t = setup();
    t.secrets.putErrors.push(http(409, 'conflict', true), http(409, 'conflict', true));
    void t.daemon.start();
    await t.time.advance(1_000);
    expect(await t.metric('ecr_token_refresher_consecutive_failures')).toBe(1);
    await t.time.advance(60_000);
    expect(t.secrets.puts).toHaveLength(1);
    expect(await t.metric('ecr_token_refresher_consecutive_failures')).toBe(0);
    expect(await t.metric('ecr_token_refresher_refresh_failures_total', { secret_set: 'ecr-pull', stage: 'push', reason: 'conflict' })).toBe(2);
    expect(await t.metric('ecr_token_refresher_last_failure_info', { secret_set: 'ecr-pull' })).toBeUndefined();
    expect(t.driver().isReady()).toBe(true);
    await t.driver().stop(1_000);
  });

  it('retries a permanent 401 slowly, never in a loop, and heals as soon as the key works again', async () => {
    const t = setup();
    void t.daemon.start();
    await t.time.advance(1_000);
    expect(t.minter.calls).toHaveLength(1);
    // From the expiry guard on (8 h), the key is refused for 20 minutes.
    t.secrets.putErrors.push(...Array.from({ length: 1_000 }, () => http(401, 'unauthorized', false)));
    await t.time.advance(8 * HOUR);
    const failedAt = t.minter.calls.length;
    expect(failedAt).toBe(2);
    await t.time.advance(20 * 60_000);
    const attempts = t.minter.calls.length - failedAt + 1;
    // Inside the margin: every 30-60 s, so 20 to 41 attempts in 20 minutes, not thousands.
    expect(attempts).toBeGreaterThanOrEqual(20);
    expect(attempts).toBeLessThanOrEqual(41);
    const errors = t.log.entries().filter((e) => e.level === 'error' && /permanent/.test(e.msg));
    expect(errors).toHaveLength(attempts);
    expect(errors[0]).toMatchObject({ msg: expect.stringContaining('a person must act'), reason: 'unauthorized', retryInMs: expect.any(Number) });
    expect(await t.metric('ecr_token_refresher_last_failure_info', { stage: 'push', reason: 'unauthorized' })).toBe(1);
    expect(t.events.map((e) => e.kind), 'a permanent failure under the margin alerts at once').toEqual(['at_risk']);
    t.secrets.putErrors.length = 0;
    await t.time.advance(60_000);
    expect(await t.metric('ecr_token_refresher_consecutive_failures')).toBe(0);
    expect(t.events.map((e) => e.kind)).toEqual(['at_risk', 'recovered']);
    expect(t.driver().isReady()).toBe(true);
    await t.driver().stop(1_000);
  });

  it('refreshes a target whose token enters the margin before the next tick (expiry guard)', async () => {
    const t = setup();
    t.minter.lifetimeMs = 9 * HOUR; // the guard is due 5 h after the refresh, the next tick after 6 h
    void t.daemon.start();
    await t.time.advance(1_000);
    expect(t.minter.calls).toHaveLength(1);
    await t.time.advance(5 * HOUR);
    expect(t.minter.calls).toHaveLength(2);
    expect(t.log.entries().some((e) => e.trigger === 'expiry-guard')).toBe(true);
    await t.driver().stop(1_000);
  });

  it('runs no second refresh of a target while one is in flight', async () => {
    const t = setup();
    t.secrets.outcome = 'pending';
    void t.daemon.start();
    await t.time.advance(1_000);
    t.tick();
    await t.time.advance(1_000);
    expect(t.minter.calls).toHaveLength(1);
    expect(t.log.entries().filter((e) => e.msg === 'refresh started')).toHaveLength(1);
    const stopping = t.driver().stop(1_000);
    await t.time.advance(2_000);
    await expect(stopping).resolves.toBe(false);
  });

  it('retries a failed target while other targets of the same cycle are still in flight', async () => {
    const t = setup({
      retryInitialDelayMs: 1_000,
      targets: [makeTarget({ name: 'fails-fast', registryId: '111111111111' }), makeTarget({ name: 'slow-set', registryId: '222222222222' })],
    });
    t.secrets.outcome = 'pending'; // slow-set waits for readiness for the whole test
    t.minter.errors.push(http(503, 'server_error', true, 'mint'));
    void t.daemon.start();
    await t.time.advance(5_000);
    const forFailing = t.minter.calls.filter((c) => c.registryId === '111111111111');
    expect(forFailing.length).toBeGreaterThanOrEqual(2);
    expect(t.secrets.puts.map((p) => p.name)).toContain('fails-fast');
    const stopping = t.driver().stop(1_000);
    await t.time.advance(2_000);
    await stopping;
  });

  it('raises one at-risk event when failing under the margin past the alert hold, and one recovery', async () => {
    const t = setup();
    // With random() 0.5 the waits are 2.5 s, 5 s, 10 s ... : the ninth failure comes when the 10 min hold ends.
    t.secrets.putErrors.push(...Array.from({ length: 12 }, () => http(503, 'server_error', true)));
    void t.daemon.start();
    await t.time.advance(3 * HOUR);
    expect(t.events.map((e) => e.kind)).toEqual(['at_risk', 'recovered']);
    expect(t.events[0]).toMatchObject({ name: 'ecr-pull', registry: 'default/us-east-1', stage: 'push', reason: 'server_error' });
    expect(JSON.stringify(t.events)).not.toContain(t.minter.issued[0]!.password);
    await t.driver().stop(1_000);
  });

  it('marks the target at risk and not ready when provisioning fails, without retrying', async () => {
    const t = setup();
    t.secrets.outcome = 'failed';
    const run = t.once.run();
    await t.time.advance(10_000);
    const [outcome] = await run;
    expect(outcome!.error?.reason).toBe('provisioning_failed');
    expect(outcome!.error?.message).toContain('registry credentials rejected');
    expect(t.secrets.puts).toHaveLength(1);
    expect(await t.metric('ecr_token_refresher_secret_ready')).toBe(0);
    expect(await t.metric('ecr_token_refresher_at_risk')).toBe(1);
  });

  it('does not call a failing one-shot target at risk when it cannot know the live token', async () => {
    const t = setup();
    t.secrets.putErrors.push(...Array.from({ length: 4 }, () => http(503, 'server_error', true)));
    const run = t.once.run();
    await t.time.advance(5 * 60_000);
    const [outcome] = await run;
    expect(outcome!.ok).toBe(false);
    expect(await t.metric('ecr_token_refresher_at_risk')).toBe(0);
    expect(t.events).toEqual([]);
  });

  it('calls a failing daemon target at risk before it ever pushed a token, and holds the webhook while a retry can heal it', async () => {
    const t = setup();
    t.secrets.putErrors.push(http(503, 'server_error', true));
    void t.daemon.start();
    await t.time.advance(1_000);
    expect(await t.metric('ecr_token_refresher_at_risk')).toBe(1);
    expect(t.log.entries().filter((e) => e.msg === 'target at risk')).toHaveLength(1);
    expect(t.events).toEqual([]);
    await t.time.advance(60_000);
    expect(await t.metric('ecr_token_refresher_at_risk')).toBe(0);
    expect(t.log.entries().filter((e) => e.msg === 'target recovered')).toHaveLength(1);
    expect(t.events, 'no webhook for an episode a retry healed within the hold').toEqual([]);
    await t.driver().stop(1_000);
  });

  it('counts, alerts and retries nothing for a write refused because its term of leadership ended', async () => {
    const t = setup();
    void t.daemon.start();
    await t.time.advance(1_000);
    expect(t.minter.calls).toHaveLength(1);
    // At the expiry guard the term has ended: the write is refused before it starts.
    t.secrets.putErrors.push(leadershipLapsedError());
    await t.time.advance(8 * HOUR);
    expect(t.minter.calls).toHaveLength(2);
    expect(await t.metric('ecr_token_refresher_consecutive_failures')).toBe(0);
    expect(await t.metric('ecr_token_refresher_at_risk')).toBe(0);
    expect(t.log.entries().filter((e) => e.level === 'error' || e.level === 'warn'), 'no failure a person would be told of').toEqual([]);
    expect(t.log.entries().filter((e) => /term of leadership ended/.test(e.msg))).toMatchObject([{ level: 'info', secretSet: 'ecr-pull', stage: 'push' }]);
    // Nothing armed for it here: the next leader refreshes it when its term starts.
    await t.time.advance(30 * 60_000);
    expect(t.minter.calls).toHaveLength(2);
    expect(t.events).toEqual([]);
    await t.driver().stop(1_000);
  });

  it('ends a one-shot run waiting between attempts as soon as it is stopped', async () => {
    const t = setup();
    t.minter.errors.push(...Array.from({ length: 10 }, () => http(500, 'server_error', true, 'mint')));
    const run = t.once.run();
    await t.time.advance(100);
    expect(t.minter.calls).toHaveLength(1);
    await t.driver().stop(1_000);
    const [outcome] = await run;
    expect(outcome!.ok).toBe(false);
    expect(t.minter.calls).toHaveLength(1);
  });

  it('gives up a one-shot run after four attempts of a retryable fault', async () => {
    const t = setup();
    t.minter.errors.push(...Array.from({ length: 10 }, () => http(500, 'server_error', true, 'mint')));
    const run = t.once.run();
    await t.time.advance(5 * 60_000);
    const [outcome] = await run;
    expect(outcome!.ok).toBe(false);
    expect(t.minter.calls).toHaveLength(4);
  });

  it('is ready only while every target holds a token with more than the margin left', async () => {
    const t = setup();
    expect(t.once.isReady()).toBe(false);
    const run = t.once.run();
    await t.time.advance(5_000);
    await run;
    expect(t.driver().isReady()).toBe(true);
    await t.time.advance(8 * HOUR + 1_000);
    expect(t.driver().isReady()).toBe(false);
  });

  it('waits for the refresh in flight when stopped', async () => {
    const t = setup();
    t.secrets.outcome = 'pending';
    void t.daemon.start();
    await t.time.advance(1_000);
    const stopping = t.driver().stop(60_000);
    t.secrets.outcome = 'ready';
    for (const set of t.secrets.sets.values()) set.status = 'pending';
    await t.time.advance(5_000);
    await expect(stopping).resolves.toBe(true);
    expect(t.driver().isReady()).toBe(true);
  });

  it('clears every timer it armed when stopped, the jittered tick included', async () => {
    const t = setup({ scheduleJitterMs: 60_000 });
    void t.daemon.start();
    await t.time.advance(1_000);
    t.tick(); // the scheduled cycle waits 30 s of jitter
    expect(t.daemon.armedTimers()).toBe(2); // the expiry guard and the jittered tick
    await t.daemon.stop(1_000);
    expect(t.daemon.armedTimers()).toBe(0);
    // Nothing is left to wake the process: no refresh ever runs again.
    expect(t.time.pending()).toBe(0);
    await t.time.advance(24 * HOUR);
    expect(t.minter.calls).toHaveLength(1);
  });

  it('starts no retry of a one-shot run that could not finish before its deadline', async () => {
    let deadline = 0;
    const t = setup({}, { remainingMs: () => deadline - t.time.clock.now() });
    deadline = t.time.clock.now() + 3_000;
    t.minter.errors.push(...Array.from({ length: 10 }, () => http(500, 'server_error', true, 'mint')));
    let finishedAt: number | undefined;
    const run = t.once.run().then((outcomes) => ((finishedAt = t.time.clock.now()), outcomes));
    await t.time.advance(5 * 60_000);
    const [outcome] = await run;
    expect(outcome!.ok).toBe(false);
    // Waits of 1 s then 2 s: the second would end at the deadline, so it is not started.
    expect(t.minter.calls).toHaveLength(2);
    expect(finishedAt! - (deadline - 3_000)).toBeLessThan(3_000);
  });

  it('starts no first attempt of a one-shot run whose deadline has already passed, and says so', async () => {
    const t = setup({}, { remainingMs: () => -5_000 });
    const [outcome] = await t.once.run();
    expect(outcome).toEqual({ name: 'ecr-pull', ok: false });
    expect(t.minter.calls).toHaveLength(0);
    expect(t.secrets.puts).toHaveLength(0);
    expect(t.log.entries().filter((e) => e.msg === 'no time left for a refresh before the deadline; nothing was attempted')).toHaveLength(1);
  });

  it('cuts the confirm wait of a one-shot run to the time it has left', async () => {
    let deadline = 0;
    const t = setup({ confirmTimeoutMs: 120_000 }, { remainingMs: () => deadline - t.time.clock.now() });
    const start = t.time.clock.now();
    deadline = start + 10_000;
    t.secrets.outcome = 'pending';
    let finishedAt: number | undefined;
    const run = t.once.run().then((outcomes) => ((finishedAt = t.time.clock.now()), outcomes));
    await t.time.advance(5 * 60_000);
    const [outcome] = await run;
    expect(outcome!.error?.reason).toBe('provisioning_timeout');
    expect(finishedAt! - start).toBeLessThan(15_000);
  });
});
