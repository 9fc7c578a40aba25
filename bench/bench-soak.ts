// The long pull-availability soak of `npm run bench` (also alone: `npx tsx bench/bench-soak.ts`):
// the suite's soak (test/soak) with tokens that live a minute, faults that last longer (still
// shorter than the margin), and an ECR outage longer than a token's life whose recovery is
// measured too. Returns the bench table's rows and the soak's own report (the availability
// table per fault and per destination).
import { pathToFileURL } from 'node:url';
import { formatSoakReport, summarizeSoak } from '../test/soak/support/format-soak-report.js';
import { runPullSoak, type SoakPlan } from '../test/soak/support/run-pull-soak.js';
import { verdict } from './units.js';

export const BENCH_SOAK_PLAN: SoakPlan = {
  tokenLifetimeSeconds: 60,
  marginSeconds: 30,
  namespaces: ['agents', 'batch', 'tools', 'voice'],
  quietMs: 15_000,
  ecrFaultMs: 20_000,
  secretsApiFaultMs: 15_000,
  etcdPauseMs: 10_000,
  networkCutMs: 15_000,
  outage: true,
  outageRecovery: true,
};

export async function benchSoak(log: (line: string) => void, plan: SoakPlan = BENCH_SOAK_PLAN): Promise<{ rows: string[][]; report: string }> {
  const result = await runPullSoak({ ...plan, log });
  const summary = summarizeSoak(result);
  const labels = result.destinations.map((d) => d.label);
  const pct = (ok: number, all: number) => `${((ok / all) * 100).toFixed(ok === all ? 0 : 2)} % (${ok}/${all})`;
  const total = (pick: typeof summary.overall) => labels.reduce((sum, l) => ({ ok: sum.ok + pick[l]!.ok, all: sum.all + pick[l]!.probes }), { ok: 0, all: 0 });
  const whole = total(summary.overall);
  const whileGone = labels.reduce((sum, l) => sum + summary.overall[l]!.whileGone, 0);
  const oldest = Math.max(...labels.map((l) => summary.oldestTokenMs[l] ?? 0));
  const outage = result.outage!;
  const alertFirst = labels.every((l) => outage.webhookAt[l] !== undefined && (outage.firstFailureAt[l] === undefined || outage.webhookAt[l]! < outage.firstFailureAt[l]!));
  const restore = summary.restores[0];
  const restored = restore?.goneMs !== undefined && restore.ecrCalls === 0 && restore.driftRepairs >= 1;
  const rows = [
    [
      `Soak (${((result.endedAt - result.startedAt) / 60_000).toFixed(1)} min, ${labels.length} destinations, ${result.windows.length} faults): pull availability, every fault${whileGone ? ` (${whileGone} probes read the deleted Secret before the watch put it back)` : ''}`,
      pct(whole.ok, whole.all),
      '100 %',
      verdict(whole.ok + whileGone === whole.all),
    ],
    [
      'Soak: a Secret deleted by hand, back (kubectl delete to the new Secret read; drift repairs counted; ECR calls meanwhile)',
      restore?.goneMs === undefined ? 'not back' : `${restore.goneMs} ms; +${restore.driftRepairs}; ${restore.ecrCalls}`,
      '< 5 s; +1; 0',
      verdict(restored && restore.goneMs! < 5_000),
    ],
    [`Soak: oldest token pulled with (lifetime ${plan.tokenLifetimeSeconds} s)`, `${(oldest / 1000).toFixed(1)} s`, `< ${plan.tokenLifetimeSeconds} s`, verdict(oldest < plan.tokenLifetimeSeconds * 1000 && summary.expiredTokenProbes.length === 0)],
    ['Soak: ECR outage longer than a token\'s life: at-risk webhook before the first failed pull, every destination', alertFirst ? 'yes' : 'no', 'yes', verdict(alertFirst)],
    ['Soak: every destination pulling again after the outage is lifted', outage.recoveredAt ? `${((outage.recoveredAt - outage.liftedAt) / 1000).toFixed(1)} s` : 'not within 3 min', '', ''],
  ];
  return { rows, report: formatSoakReport(result, summary) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { rows, report } = await benchSoak((line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${report}\n\n${rows.map((r) => `${r[0]}: ${r[1]} ${r[3] ?? ''}`).join('\n')}\n`);
  if (rows.some((r) => r[3] === 'FAIL')) process.exitCode = 1;
}
