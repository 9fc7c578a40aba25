// Ninety simulated days of the default schedule ("0 */6 * * *", 4 h margin,
// 12 h ECR tokens) in a few seconds: the refresher, a cron scheduler and both
// stand-ins (real HTTP on loopback) all read one fake clock, and faults come
// and go at random from a seeded PRNG (a fixed seed by default). Replay a run with
// SIMULATION_SEED=<seed>; explore new ones with SIMULATION_SEED=random.
//
// The retry window. Every tick refreshes, and the expiry guard refreshes at
// `margin` left, so whenever an outage begins the token in the secret set has
// at least R = max(margin, lifetime − longest tick interval) left (6 h here).
// While failing, the next attempt comes at most RETRY_MAX_DELAY (15 m) after
// the last failure; an attempt may itself take up to CONFIRM_TIMEOUT (2 m,
// a set stuck in `pending`), and a tick that finds an attempt in flight is
// skipped, which can age the token by one more confirm timeout. Hence:
//   outage < R − RETRY_MAX_DELAY − 2 × CONFIRM_TIMEOUT − 1 m   (5 h 40 m)
//   healthy gap ≥ RETRY_MAX_DELAY + CONFIRM_TIMEOUT + 1 m     (18 m)
// guarantee that the token held never expires. The same holds for the faults
// that need a person (access denied, a WAF's 403, a revoked key): they are
// tried again every 5 minutes (every minute inside the margin), well within
// RETRY_MAX_DELAY, so the first try after a person has acted heals them.
// Scenario one draws outages of both kinds up to that bound (a third of them
// within 10 % of it); scenario two draws longer ones and checks the at-risk
// state and the webhook, which waits AT_RISK_ALERT_HOLD (10 m) for a retryable
// fault to heal, as the alert rule does.
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { between, planOutages, weightedPick, type Outage } from '../support/plan-outages.js';
import { pickSeed, seededRandom } from '../support/seeded-random.js';
import { AT_RISK_ALERT_HOLD_MS } from '../../src/refresh/target-transitions.js';
import { PERMANENT_FAULTS, RETRYABLE_FAULTS, type SimulatedFault } from '../support/simulated-faults.js';
import { startLoopbackSimulation, type CycleRecord } from '../support/start-loopback-simulation.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 0, 1, 1, 23);
const END = START + 90 * DAY;
const SET = 'ecr-pull';
const LABELS = { secret_set: SET, registry: 'default/us-east-1' };

// The defaults the window is derived from (makeConfig uses the product defaults).
const LIFETIME = 12 * HOUR;
const MARGIN = 4 * HOUR;
const TICK_INTERVAL = 6 * HOUR;
const MAX_BACKOFF = 15 * MINUTE;
const CONFIRM_TIMEOUT = 2 * MINUTE;
const LEAST_LEFT_AT_OUTAGE_START = Math.max(MARGIN, LIFETIME - TICK_INTERVAL);
const LONGEST_SAFE_OUTAGE = LEAST_LEFT_AT_OUTAGE_START - MAX_BACKOFF - 2 * CONFIRM_TIMEOUT - MINUTE;
const SHORTEST_GAP = MAX_BACKOFF + CONFIRM_TIMEOUT + MINUTE;

const SEED = pickSeed(process.env.SIMULATION_SEED);
const replay = `seed ${SEED}; replay with SIMULATION_SEED=${SEED} npx vitest run test/simulation`;
console.log(`ninety-days simulation: ${replay}`);

const iso = (ms: number) => new Date(ms).toISOString();
const hours = (ms: number) => `${(ms / HOUR).toFixed(2)} h`;

function collectGarbage(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  // Not started with --expose-gc: switch it on for this worker only.
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * heapUsed after a full GC, less V8's code spaces: compiled code keeps growing
 * slowly as the optimiser reworks hot functions (about 0.1 MB a month of
 * simulated time here), which is not data the program holds on to.
 */
function heapAfterGc(gc: () => void): number {
  gc();
  gc();
  const code = getHeapSpaceStatistics()
    .filter((space) => space.space_name.startsWith('code_'))
    .reduce((sum, space) => sum + space.space_used_size, 0);
  return process.memoryUsage().heapUsed - code;
}

function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/** Least-squares slope of heap bytes against day. */
function heapTrendPerDay(samples: { day: number; bytes: number }[]): number {
  const n = samples.length;
  const meanDay = samples.reduce((sum, s) => sum + s.day, 0) / n;
  const meanBytes = samples.reduce((sum, s) => sum + s.bytes, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const s of samples) {
    covariance += (s.day - meanDay) * (s.bytes - meanBytes);
    variance += (s.day - meanDay) ** 2;
  }
  return covariance / variance;
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** Gaps between one cycle's end and the next one's start, split by how the first ended. */
function watchCycles() {
  const stats = { cycles: 0, failedCycles: 0, longestWaitAfterFailure: 0, longestWaitAfterSuccess: 0 };
  let previous: CycleRecord | undefined;
  return {
    stats,
    onCycle(cycle: CycleRecord) {
      stats.cycles++;
      if (cycle.failed > 0) stats.failedCycles++;
      if (previous) {
        const wait = cycle.startedAt - previous.finishedAt;
        if (previous.failed > 0) stats.longestWaitAfterFailure = Math.max(stats.longestWaitAfterFailure, wait);
        else stats.longestWaitAfterSuccess = Math.max(stats.longestWaitAfterSuccess, wait);
      }
      previous = cycle;
    },
  };
}

function outageAt(outages: Outage<SimulatedFault>[], at: number) {
  return outages.find((o) => o.from <= at && at < o.to);
}

describe('ninety days of the default schedule on simulated time', () => {
  it('never lets the token held in the secret set expire while outages leave a window to refresh', async () => {
    const random = seededRandom(SEED);
    const outages = planOutages({
      from: START,
      until: END,
      outageMs: () => {
        const [min, max] = weightedPick(random, [
          [4, [MINUTE, 30 * MINUTE]],
          [3, [30 * MINUTE, LONGEST_SAFE_OUTAGE]],
          [3, [0.9 * LONGEST_SAFE_OUTAGE, LONGEST_SAFE_OUTAGE]],
        ] as const);
        return between(random, min, max);
      },
      gapMs: () => between(random, SHORTEST_GAP, 2 * DAY),
      fault: () => weightedPick(random, [...RETRYABLE_FAULTS, ...PERMANENT_FAULTS]),
    });
    const permanentLabels = new Set(PERMANENT_FAULTS.map(([, fault]) => fault.label));
    const cycles = watchCycles();
    const sim = await startLoopbackSimulation({ start: START, seed: SEED, outages, onCycle: cycles.onCycle });
    const gc = collectGarbage();
    const heap: { day: number; bytes: number }[] = [];
    const resources: { day: number; counts: Record<string, number> }[] = [];
    let nextDay = START + DAY;
    let leastLeft = Number.POSITIVE_INFINITY;
    let firstExpiry: string | undefined;
    const realStart = performance.now();

    try {
      const { events } = await sim.run(END, (now, nextAt) => {
        const expiry = sim.heldExpiry(SET);
        // Nothing changes until nextAt, so checking the end of the gap covers all of it.
        const left = expiry === undefined ? Number.NEGATIVE_INFINITY : expiry - nextAt;
        leastLeft = Math.min(leastLeft, left);
        if (left <= 0 && firstExpiry === undefined) {
          const outage = outageAt(outages, now);
          firstExpiry =
            `token held in "${SET}" ${expiry === undefined ? 'missing' : `expires at ${iso(expiry)}`}, before ${iso(nextAt)}; ` +
            `outage in progress: ${outage ? `${outage.fault.label} ${iso(outage.from)} → ${iso(outage.to)} (${hours(outage.to - outage.from)})` : 'none'}`;
        }
        if (now >= nextDay) {
          const day = Math.round((now - START) / DAY);
          nextDay += DAY;
          sim.trimRecords();
          resources.push({ day, counts: activeResources() });
          if (day % 5 === 0) heap.push({ day, bytes: heapAfterGc(gc) });
        }
      });
      if (heap.at(-1)?.day !== 90) {
        sim.trimRecords();
        heap.push({ day: 90, bytes: heapAfterGc(gc) });
        resources.push({ day: 90, counts: activeResources() });
      }

      const attempts = await sim.metricValue('ecr_token_refresher_refresh_attempts_total', { ...LABELS, stage: 'mint' });
      const longest = Math.max(...outages.map((o) => o.to - o.from));
      console.log(
        `scenario 1 (${replay}): ${outages.length} outages (longest ${hours(longest)}, bound ${hours(LONGEST_SAFE_OUTAGE)}), ` +
          `${sim.ticks} ticks, ${cycles.stats.cycles} cycles / ${attempts} mint attempts (${cycles.stats.failedCycles} failed), ` +
          `${events} timer events, least time left ${hours(leastLeft)}, ${((performance.now() - realStart) / 1000).toFixed(1)} s real`,
      );
      console.log(
        `  heap (less code) after GC by day: ${heap.map((h) => `d${h.day} ${(h.bytes / 1e6).toFixed(1)}`).join(', ')} MB; ` +
          `trend ${((heapTrendPerDay(heap.filter((h) => h.day >= 10)) * 80) / 1e6).toFixed(2)} MB over days 10-90`,
      );
      console.log(`  active resources day 10: ${JSON.stringify(resources.find((r) => r.day === 10)?.counts)}, day 90: ${JSON.stringify(resources.at(-1)?.counts)}`);

      expect(firstExpiry, replay).toBeUndefined();
      expect(leastLeft, replay).toBeGreaterThan(0);
      expect(sim.ticks, 'one tick every 6 h for 90 days').toBe(360);
      expect(cycles.stats.cycles, `thousands of attempts; ${replay}`).toBeGreaterThan(800);
      expect(longest, 'the plan reaches close to the bound').toBeGreaterThan(0.9 * LONGEST_SAFE_OUTAGE);
      const permanent = outages.filter((o) => permanentLabels.has(o.fault.label));
      expect(permanent.length, 'the plan has faults that need a person').toBeGreaterThanOrEqual(10);
      expect(Math.max(...permanent.map((o) => o.to - o.from)), 'some of them last hours').toBeGreaterThan(2 * HOUR);
      // While failing, the next attempt is never further off than the longest backoff.
      expect(cycles.stats.longestWaitAfterFailure, replay).toBeLessThanOrEqual(MAX_BACKOFF);
      expect(cycles.stats.longestWaitAfterSuccess, replay).toBeLessThanOrEqual(TICK_INTERVAL);

      // Flat heap: the least-squares trend from day 10 to day 90 stays under 2 MB over
      // those 80 days, about 1.5 KB per cycle: holding on to each cycle's logger, error
      // or reply would break it. Samples wander by ~0.5 MB; warm-up of rarely taken
      // paths adds up to ~0.5 MB of trend in the first months, then it goes flat.
      const growth = heapTrendPerDay(heap.filter((h) => h.day >= 10)) * 80;
      expect(growth, `heap trend over 80 days in bytes; ${replay}`).toBeLessThan(2 * 1024 * 1024);
      // Flat handles: no more sockets or timers at any day after day 10 than a keep-alive
      // connection or two more than at day 10.
      const baseline = total(resources.find((r) => r.day === 10)!.counts);
      const most = Math.max(...resources.filter((r) => r.day >= 10).map((r) => total(r.counts)));
      expect(most, JSON.stringify(resources.filter((r) => r.day >= 10))).toBeLessThanOrEqual(baseline + 4);
    } finally {
      await sim.close();
    }
  }, 120_000);

  it('raises at-risk exactly when failing with less than the margin left and clears it on recovery, one event per transition', async () => {
    const random = seededRandom(SEED ^ 0x2545f491);
    const outages = planOutages({
      from: START,
      // The last outage ends a day early, so the run ends recovered.
      until: END - DAY,
      outageMs: () => {
        const [min, max] = weightedPick(random, [
          [2, [MINUTE, 2 * HOUR]],
          [5, [LONGEST_SAFE_OUTAGE, LIFETIME]],
          // Past expiry a failing target is tried every minute, so expired stretches are kept to hours.
          [3, [LIFETIME, LIFETIME + 30 * MINUTE]],
        ] as const);
        return between(random, min, max);
      },
      gapMs: () => between(random, SHORTEST_GAP, 3 * DAY),
      fault: () => weightedPick(random, RETRYABLE_FAULTS),
    });

    // The oracle: from each cycle's outcome and the token the secrets stand-in
    // holds, when the at-risk state must turn on (a failure with less than the
    // margin left on the last confirmed token) and off (the next success).
    type Transition = { kind: 'at_risk' | 'recovered'; at: number };
    const expected: Transition[] = [];
    let episodes = 0;
    let atRiskSince = 0;
    let alerted = false;
    const lateness: { kind: string; at: number; late: number }[] = [];
    const problems: string[] = [];
    let confirmedExpiry: number | undefined;
    let failingSince: number | undefined;
    let expectAtRisk = false;
    const cycles = watchCycles();
    const sim = await startLoopbackSimulation({
      start: START,
      seed: SEED,
      outages,
      onCycle(cycle) {
        cycles.onCycle(cycle);
        const at = cycle.finishedAt;
        if (cycle.failed === 0) {
          const held = sim.heldExpiry(SET);
          if (held === undefined || held <= (confirmedExpiry ?? Number.NEGATIVE_INFINITY)) {
            problems.push(`cycle finished ${iso(at)} reported success, but the set holds no newer token`);
          }
          confirmedExpiry = held;
          failingSince = undefined;
          if (expectAtRisk && alerted) {
            expected.push({ kind: 'recovered', at });
            const lastEnd = Math.max(START, ...outages.filter((o) => o.to <= at).map((o) => o.to));
            lateness.push({ kind: 'recovered', at, late: at - lastEnd });
          }
          expectAtRisk = false;
          alerted = false;
          return;
        }
        failingSince ??= at;
        const underMargin = confirmedExpiry === undefined || confirmedExpiry - at < MARGIN;
        if (underMargin && !expectAtRisk) {
          episodes++;
          atRiskSince = at;
          expectAtRisk = true;
        }
        // The webhook waits out the hold, unless the token would be dead before it ends.
        const holdOver = at - atRiskSince >= AT_RISK_ALERT_HOLD_MS || (confirmedExpiry !== undefined && confirmedExpiry - at <= AT_RISK_ALERT_HOLD_MS);
        if (expectAtRisk && !alerted && holdOver) {
          expected.push({ kind: 'at_risk', at });
          const due = Math.max(failingSince, (confirmedExpiry ?? START) - MARGIN) + AT_RISK_ALERT_HOLD_MS;
          lateness.push({ kind: 'at_risk', at, late: at - due });
          alerted = true;
        }
      },
    });
    let samples = 0;
    let expiredFor = 0;
    let nextTrim = START + DAY;

    try {
      await sim.run(END, async (now, nextAt) => {
        samples++;
        const gauge = await sim.metricValue('ecr_token_refresher_at_risk', LABELS);
        if (gauge !== (expectAtRisk ? 1 : 0) && problems.length < 5) {
          problems.push(`at ${iso(now)} ecr_token_refresher_at_risk is ${gauge}, expected ${expectAtRisk ? 1 : 0}`);
        }
        const exported = await sim.metricValue('ecr_token_refresher_token_expiry_timestamp_seconds', LABELS);
        if (confirmedExpiry !== undefined && exported !== confirmedExpiry / 1000 && problems.length < 5) {
          problems.push(`at ${iso(now)} token expiry metric is ${exported}, the confirmed token expires at ${confirmedExpiry / 1000}`);
        }
        const held = sim.heldExpiry(SET);
        if (held !== undefined && held < nextAt) expiredFor += nextAt - Math.max(now, held);
        if (now >= nextTrim) {
          nextTrim += DAY;
          sim.trimRecords();
        }
      });

      const kinds = (list: { kind: string }[]) => list.map((e) => e.kind);
      const atRiskEpisodes = episodes;
      const alerts = expected.filter((e) => e.kind === 'at_risk').length;
      const attempts = await sim.metricValue('ecr_token_refresher_refresh_attempts_total', { ...LABELS, stage: 'mint' });
      console.log(
        `scenario 2 (${replay}): ${outages.length} outages (${outages.filter((o) => o.to - o.from > LIFETIME).length} longer than a token lives), ` +
          `${cycles.stats.cycles} cycles / ${attempts} mint attempts (${cycles.stats.failedCycles} failed), ${atRiskEpisodes} at-risk episodes (${alerts} alerted), ` +
          `token expired for ${hours(expiredFor)} in all, ${samples} gauge samples`,
      );

      expect(problems, replay).toEqual([]);
      expect(atRiskEpisodes, 'the plan puts the target at risk many times').toBeGreaterThanOrEqual(5);
      expect(alerts, 'most episodes outlast the hold and are alerted').toBeGreaterThanOrEqual(5);
      // One notification per transition, alternating, at the moments the oracle names.
      expect(sim.notices.map((n) => ({ kind: n.kind, at: n.at })), replay).toEqual(expected);
      expect(kinds(sim.notices).every((kind, i) => kind === (i % 2 === 0 ? 'at_risk' : 'recovered'))).toBe(true);
      expect(sim.notices.every((n) => n.secretSet === SET && n.registry === LABELS.registry)).toBe(true);
      expect(sim.riskLogLines, replay).toEqual({ atRisk: atRiskEpisodes, recovered: atRiskEpisodes });
      // Not only at the right attempt, but soon enough: an attempt comes at most one
      // backoff after a failure and may take one confirm timeout.
      const latest = Math.max(...lateness.map((l) => l.late));
      expect(latest, JSON.stringify(lateness.find((l) => l.late === latest))).toBeLessThanOrEqual(MAX_BACKOFF + CONFIRM_TIMEOUT);
      expect(cycles.stats.longestWaitAfterFailure, replay).toBeLessThanOrEqual(MAX_BACKOFF);
      expect(await sim.metricValue('ecr_token_refresher_at_risk', LABELS)).toBe(0);
      expect(sim.notices.at(-1)?.kind).toBe('recovered');
    } finally {
      await sim.close();
    }
  }, 400_000);
});
