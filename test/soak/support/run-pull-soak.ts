// Runs a pull-availability soak: starts the world, pulls once with crane from every destination,
// probes every destination once a second while the faults are injected one after another (each
// just before a refresh is due, the next only once every destination holds a token minted after
// the last fault began), pulls with crane again, and, when asked, ends with an ECR outage longer
// than a token's life to see the at-risk alert come before the first failed pull.
// Returns what was seen; format-soak-report.ts prints it.
import { ecrErrors } from '../../../stand-ins/ecr-fault.js';
import { waitFor } from '../../support/wait-for.js';
import { startPullProber, type ProbeRecord } from './probe-pulls.js';
import { soakFaults, type FaultDurations, type SecretRestore } from './soak-faults.js';
import { startSoakWorld, type Destination, type Replica, type SoakWorld } from './start-soak-world.js';

export interface SoakPlan extends FaultDurations {
  tokenLifetimeSeconds: number;
  marginSeconds: number;
  namespaces: string[];
  /** Quiet time before the first fault and after the last, ms. */
  quietMs: number;
  /** End with ECR failing every call until the held tokens have expired. */
  outage: boolean;
  /** After the outage, lift it and measure how long until every destination pulls again. */
  outageRecovery: boolean;
  log?: (line: string) => void;
}

export interface LogLine {
  replica: string;
  at: number;
  entry: Record<string, unknown>;
}

export interface SoakWindow {
  id: string;
  title: string;
  /** From injection to the next window's start, epoch ms. */
  from: number;
  to: number;
  /** When the fault was lifted, epoch ms. */
  liftedAt: number;
  note: string;
  /** A Secret deleted by hand: when it was gone and when it was back, seen from outside. */
  restore?: SecretRestore;
  /** When every destination held a token minted after `from`, epoch ms. */
  refreshedAt?: number;
  /** refresh_failures_total added in the window, summed over replicas, by stage/reason. */
  failureMetrics: Record<string, number>;
  /** kubernetes_drift_repairs_total added in the window, summed over replicas. */
  driftRepairs: number;
}

export interface OutageResult {
  from: number;
  /** First at-risk webhook per destination label (sent for the target that keeps it). */
  webhookAt: Record<string, number | undefined>;
  /** First time the leader's ecr_token_refresher_at_risk read 1, per destination label. */
  gaugeAt: Record<string, number | undefined>;
  /** First failed probe per destination label. */
  firstFailureAt: Record<string, number | undefined>;
  /** When every destination pulled again after the outage was lifted. */
  recoveredAt?: number;
  liftedAt: number;
}

export interface SoakResult {
  plan: SoakPlan;
  startedAt: number;
  endedAt: number;
  destinations: Destination[];
  windows: SoakWindow[];
  probes: ProbeRecord[];
  logs: LogLine[];
  /** crane pulls with each destination's stored credentials: label -> ok / error. */
  cranePulls: { start: Record<string, string>; end: Record<string, string> };
  outage?: OutageResult;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runPullSoak(plan: SoakPlan): Promise<SoakResult> {
  const log = plan.log ?? (() => undefined);
  const startedAt = Date.now();
  const lifetimeMs = plan.tokenLifetimeSeconds * 1000;
  const marginMs = plan.marginSeconds * 1000;
  log(`soak: starting the API server, registry, stand-ins and two daemons (tokens live ${plan.tokenLifetimeSeconds} s, margin ${plan.marginSeconds} s)...`);
  const world = await startSoakWorld(plan);
  try {
    const prober = startPullProber({ destinations: world.destinations, kube: world.kube, api: world.api, ecr: world.ecr, registry: world.registry, lifetimeMs });
    const cranePulls = { start: await craneEach(world, prober.documentOf), end: {} as Record<string, string> };
    await sleep(plan.quietMs);

    const mintedSince = (from: number) => world.ecr.issued.filter((t) => t.expiresAt.getTime() - lifetimeMs >= from).map((t) => t.password);
    const heldPassword = async (destination: Destination) => {
      const document = await prober.documentOf(destination);
      const auth = document ? Object.values((JSON.parse(document) as { auths: Record<string, { auth?: string }> }).auths)[0]?.auth : undefined;
      return auth ? Buffer.from(auth, 'base64').toString('utf8').replace(/^AWS:/, '') : undefined;
    };
    const everyHoldsTokenSince = async (from: number) => {
      const fresh = new Set(mintedSince(from));
      for (const destination of world.destinations) if (!fresh.has((await heldPassword(destination)) ?? '')) return false;
      return true;
    };
    // With a token of twice the margin, a refresh is due when the last one issued is halfway through its life.
    const nextRefreshAt = () => world.ecr.issued.at(-1)!.expiresAt.getTime() - Math.min(marginMs, lifetimeMs / 2);

    const windows: SoakWindow[] = [];
    let lastCounts = new Map<string, Record<string, number>>();
    lastCounts = await scrapeCounters(world.replicas, lastCounts).then((r) => r.totals);
    for (const fault of soakFaults(plan, marginMs, plan.namespaces[0]!)) {
      let due = nextRefreshAt() - fault.leadMs;
      // Too close to the refresh in flight: meet the one after it.
      if (due < Date.now() + 500) due += Math.min(marginMs, lifetimeMs / 2);
      await sleep(due - Date.now());
      const from = Date.now();
      log(`soak: ${fault.title}...`);
      const { note, restore } = await fault.inject(world);
      const liftedAt = Date.now();
      const refreshedAt = await waitFor(async () => ((await everyHoldsTokenSince(from)) ? Date.now() : undefined), {
        what: `every destination holding a token minted after "${fault.title}"`,
        timeoutMs: 2 * lifetimeMs,
        intervalMs: 250,
      }).catch(() => undefined);
      const scraped = await scrapeCounters(world.replicas, lastCounts);
      lastCounts = scraped.totals;
      const { [DRIFT_REPAIRS]: driftRepairs = 0, ...failureMetrics } = scraped.added;
      windows.push({ id: fault.id, title: fault.title, from, to: from, liftedAt, note, restore, refreshedAt, failureMetrics, driftRepairs });
      log(`soak:   ${note}; every destination refreshed ${refreshedAt ? `${((refreshedAt - from) / 1000).toFixed(1)} s after the start` : 'NOT within two token lives'}`);
    }
    await sleep(plan.quietMs);
    for (let i = 0; i < windows.length; i++) windows[i]!.to = windows[i + 1]?.from ?? Date.now();
    cranePulls.end = await craneEach(world, prober.documentOf);

    let outage: OutageResult | undefined;
    if (plan.outage) outage = await runOutage(world, prober.records, plan, nextRefreshAt, log);
    await prober.stop();
    const logs = world.replicas.flatMap((replica) =>
      replica.process.logEntries().map((entry) => ({ replica: replica.name, at: Date.parse(String(entry.time)), entry })),
    );
    return { plan, startedAt, endedAt: Date.now(), destinations: world.destinations, windows, probes: prober.records, logs, cranePulls, outage };
  } finally {
    await world.close();
  }
}

async function craneEach(world: SoakWorld, documentOf: (d: Destination) => Promise<string | undefined>): Promise<Record<string, string>> {
  const results: Record<string, string> = {};
  for (const destination of world.destinations) {
    const document = await documentOf(destination);
    if (!document) {
      results[destination.label] = 'nothing stored';
      continue;
    }
    const pulled = await world.registry.pull('crane', document);
    results[destination.label] =
      pulled.code === 0 && pulled.digest === world.registry.image.digest && pulled.text === world.registry.image.text
        ? 'ok'
        : `failed (${pulled.code}): ${pulled.stderr.trim().split('\n').at(-1)}`;
  }
  return results;
}

const DRIFT_REPAIRS = 'drift repairs';

/**
 * refresh_failures_total (by stage/reason) and kubernetes_drift_repairs_total (as DRIFT_REPAIRS)
 * of every live replica, and what each added since `before`.
 */
async function scrapeCounters(replicas: Replica[], before: Map<string, Record<string, number>>) {
  const totals = new Map<string, Record<string, number>>();
  const added: Record<string, number> = {};
  for (const replica of replicas) {
    const url = replica.metricsUrl();
    if (!url || replica.process.child.exitCode !== null || replica.process.child.signalCode !== null) continue;
    const text = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then((r) => r.text()).catch(() => '');
    const counts: Record<string, number> = {};
    for (const match of text.matchAll(/^ecr_token_refresher_refresh_failures_total\{([^}]*)\} (\S+)$/gm)) {
      const labels = Object.fromEntries([...match[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      const key = `${labels.stage}/${labels.reason}`;
      counts[key] = (counts[key] ?? 0) + Number(match[2]);
    }
    for (const match of text.matchAll(/^ecr_token_refresher_kubernetes_drift_repairs_total\{[^}]*\} (\S+)$/gm)) {
      counts[DRIFT_REPAIRS] = (counts[DRIFT_REPAIRS] ?? 0) + Number(match[1]);
    }
    totals.set(replica.name, counts);
    const previous = before.get(replica.name) ?? {};
    for (const [key, value] of Object.entries(counts)) {
      const delta = value - (previous[key] ?? 0);
      if (delta > 0) added[key] = (added[key] ?? 0) + delta;
    }
  }
  return { totals, added };
}

async function runOutage(world: SoakWorld, probes: ProbeRecord[], plan: SoakPlan, nextRefreshAt: () => number, log: (line: string) => void): Promise<OutageResult> {
  const labels = world.destinations.map((d) => d.label);
  // Webhooks and the gauge name the target; one cluster-wide target keeps several destinations.
  const labelsOf = (target: string) => world.destinations.filter((d) => d.target === target).map((d) => d.label);
  await sleep(Math.max(0, nextRefreshAt() - 1_000 - Date.now()));
  const from = Date.now();
  const heldExpiry = world.ecr.issued.at(-1)!.expiresAt.getTime();
  log(`soak: ECR answering 500 to every call until the held token has expired (${((heldExpiry - from) / 1000).toFixed(0)} s away)...`);
  world.ecr.setFault(ecrErrors.server);
  const gaugeAt: Record<string, number | undefined> = {};
  const firstFailureAt = () =>
    Object.fromEntries(labels.map((label) => [label, probes.find((p) => p.at >= from && p.destination === label && !p.ok)?.at]));
  while (Date.now() < heldExpiry + 4_000) {
    const leader = world.leader();
    const url = leader?.metricsUrl();
    const text = url ? await fetch(url, { signal: AbortSignal.timeout(1_000) }).then((r) => r.text()).catch(() => '') : '';
    for (const match of text.matchAll(/^ecr_token_refresher_at_risk\{[^}]*secret_set="([^"]*)"[^}]*\} 1$/gm)) {
      for (const label of labelsOf(match[1]!)) gaugeAt[label] ??= Date.now();
    }
    await sleep(500);
  }
  const webhookAt: Record<string, number | undefined> = {};
  for (const request of world.webhook.requests) {
    if (request.at < from) continue;
    const body = JSON.parse(request.body) as { event?: string; secret_set?: string };
    if (body.event === 'at_risk' && body.secret_set) for (const label of labelsOf(body.secret_set)) webhookAt[label] ??= request.at;
  }
  const failures = firstFailureAt();
  world.ecr.setFault(undefined);
  const liftedAt = Date.now();
  let recoveredAt: number | undefined;
  if (plan.outageRecovery) {
    log('soak: outage lifted; waiting for every destination to pull again...');
    recoveredAt = await waitFor(
      () => {
        const latest = labels.map((label) => probes.filter((p) => p.destination === label && p.at > liftedAt).at(-1));
        return latest.every((p) => p?.ok) ? Date.now() : undefined;
      },
      { what: 'every destination pulling again after the outage', timeoutMs: 3 * 60_000, intervalMs: 500 },
    ).catch(() => undefined);
  }
  return { from, webhookAt, gaugeAt, firstFailureAt: failures, recoveredAt, liftedAt };
}
