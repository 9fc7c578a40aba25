// Images pull, every second, whatever happens around the refresher: the built daemon, two
// replicas with leader election, keeps a Pipecat Cloud set and a cluster-wide pull Secret target
// (a Secret in each of three namespaces, kept by watches) filled with tokens that live 36 s, while a prober fetches the test image's manifest from the
// ECR-like registry with each destination's stored credentials once a second. One after another
// (each just before a refresh is due): the leader SIGKILLed mid-write, the API server restarted,
// etcd paused, ECR failing and throttling, the secrets API answering 409 and 503, a managed
// Secret deleted (the watch puts it back), the network to the API server cut. Then ECR fails
// every call until the tokens
// expire: the at-risk webhook must come before the first failed pull. The report is printed;
// `npm run bench` runs a longer soak with the same faults.
import { expect, test } from 'vitest';
import { formatSoakReport, summarizeSoak } from './support/format-soak-report.js';
import { runPullSoak } from './support/run-pull-soak.js';

const PLAN = {
  tokenLifetimeSeconds: 36,
  marginSeconds: 18,
  namespaces: ['agents', 'batch', 'tools'],
  quietMs: 3_000,
  ecrFaultMs: 8_000,
  secretsApiFaultMs: 6_000,
  etcdPauseMs: 5_000,
  networkCutMs: 8_000,
  outage: true,
  outageRecovery: false,
};

test('every destination pulls through every fault shorter than the margin; the at-risk alert precedes the first failed pull of an ECR outage', async () => {
  const started = Date.now();
  const result = await runPullSoak({ ...PLAN, log: (line) => console.info(line) });
  const summary = summarizeSoak(result);
  console.info(`${formatSoakReport(result, summary)}\nsuite soak wall time: ${((Date.now() - started) / 1000).toFixed(0)} s`);

  const labels = result.destinations.map((d) => d.label);
  expect(labels).toEqual(['soak-pull', 'agents/ecr-pull', 'batch/ecr-pull', 'tools/ecr-pull']);
  // A real client pulls with what every destination holds, at the start and at the end.
  for (const pulls of [result.cranePulls.start, result.cranePulls.end]) expect(pulls).toEqual(Object.fromEntries(labels.map((l) => [l, 'ok'])));
  expect(result.windows.map((w) => w.id)).toEqual([
    'leader-killed', 'api-server-restarted', 'etcd-paused', 'ecr-5xx-throttling', 'secrets-api-409-5xx', 'secret-deleted', 'network-cut',
  ]);
  // After each fault a token minted since it began reached every destination.
  for (const w of result.windows) expect(w.refreshedAt, `nothing refreshed after "${w.title}"`).toBeDefined();

  // 100 % for every destination in every window. The one failure a refresher cannot prevent: a
  // probe that reads a deleted Secret in the instant before the watch has put it back finds
  // none. Such a probe is counted (and printed); it must fall inside that measured instant.
  for (const row of summary.byWindow) {
    for (const [label, a] of Object.entries(row.perDestination)) {
      expect(a.ok + a.whileGone, `${row.window?.title ?? 'no fault'} at ${label}: ${a.failures.join('; ')}`).toBe(a.probes);
      expect(a.probes).toBeGreaterThan(0);
    }
  }
  // The deleted Secret came back through the watch, within seconds and long before the next
  // refresh was due, with the token it held (no ECR call), counted as a drift repair.
  const [restore] = summary.restores;
  expect(summary.restores).toHaveLength(1);
  expect(restore!.destination).toBe('agents/ecr-pull');
  expect(restore!.goneMs, 'the deleted Secret back').toBeLessThan(5_000);
  expect(restore!.loggedAfterMs, 'the repair in the log').toBeLessThan(5_000);
  expect(restore!.driftRepairs).toBe(1);
  expect(restore!.ecrCalls).toBe(0);
  expect(summary.byWindow.find((r) => r.id === 'secret-deleted')!.perDestination['agents/ecr-pull']!.whileGone).toBeLessThanOrEqual(Math.ceil(restore!.goneMs! / 1000) + 1);
  // Never a token older than its lifetime, before the outage.
  expect(summary.expiredTokenProbes).toEqual([]);
  for (const label of labels) expect(summary.oldestTokenMs[label]).toBeLessThan(PLAN.tokenLifetimeSeconds * 1000);

  // The outage: for every destination, the at-risk webhook arrived, and before the first failed pull.
  const outage = result.outage!;
  for (const label of labels) {
    const [hook, failed] = [outage.webhookAt[label], outage.firstFailureAt[label]];
    expect(hook, `no at-risk webhook for ${label}`).toBeDefined();
    expect(failed, `${label} kept pulling past its token's expiry`).toBeDefined();
    expect(hook!).toBeLessThan(failed!);
    expect(outage.gaugeAt[label], `the at_risk gauge for ${label}`).toBeDefined();
  }
}, 330_000);
