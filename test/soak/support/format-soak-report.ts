// What a pull-availability soak showed, in numbers and in words: availability per fault window
// and per destination (every probe counted), the oldest token any probe pulled with, what the
// refresher did in each window (its JSON log lines and the refresh_failures_total and
// kubernetes_drift_repairs_total it added to /metrics), how long a Secret deleted by hand was
// gone before the watch put it back, and, after an ECR outage longer than a token's life,
// whether the at-risk alert came before the first failed pull.
//
// A deleted Secret does not exist from the deletion until the refresher, told by its watch,
// creates it again; no refresher can make that instant zero. A probe that reads the Secret in
// exactly that measured interval finds none: it is counted as failed, and also as `whileGone`,
// so that a failure anywhere else stands out.
import { NO_SECRET } from './probe-failures.js';
import type { ProbeRecord } from './probe-pulls.js';
import type { LogLine, SoakResult, SoakWindow } from './run-pull-soak.js';

export interface Availability {
  probes: number;
  ok: number;
  /** ok / probes, 0..1 (1 when there were no probes). */
  ratio: number;
  /** Up to three failures, with when and why. */
  failures: string[];
  /** Failed probes that found no Secret while it was measured gone (deleted, not yet restored). */
  whileGone: number;
}

/** What the refresher did for a Secret deleted by hand. */
export interface RestoreSummary {
  windowId: string;
  destination: string;
  /** From the start of kubectl delete to the first read of the new Secret, ms (an upper bound). */
  goneMs?: number;
  /** From the start of kubectl delete to the refresher's log line of the repair, ms. */
  loggedAfterMs?: number;
  /** kubernetes_drift_repairs_total added in the window. */
  driftRepairs: number;
  /** GetAuthorizationToken calls while it was gone: 0 when restored with the token already held. */
  ecrCalls: number;
}

export interface SoakSummary {
  /** Per window id (and 'no fault'), per destination label. */
  byWindow: Array<{ window: SoakWindow | undefined; id: string; perDestination: Record<string, Availability> }>;
  /** Per destination over the whole run before any outage. */
  overall: Record<string, Availability>;
  /** Every Secret deleted by hand, and its return. */
  restores: RestoreSummary[];
  /** Probes whose token was older than its lifetime (expired), before any outage. */
  expiredTokenProbes: ProbeRecord[];
  /** Oldest token pulled with, per destination, ms. */
  oldestTokenMs: Record<string, number>;
  /** Probes that pulled with bytes last read because the API server could not be read. */
  staleReads: number;
}

const NO_FAULT = 'no fault';

/** A failed probe that found no Secret while a restore measured it gone. */
function foundItGone(p: ProbeRecord, windows: SoakWindow[]): boolean {
  if (p.ok || p.why !== NO_SECRET) return false;
  return windows.some(({ restore: r }) => r && r.destination === p.destination && p.at >= r.deleteStartedAt && p.at <= (r.restoredAt ?? -Infinity));
}

function availability(probes: ProbeRecord[], startedAt: number, windows: SoakWindow[]): Availability {
  const failed = probes.filter((p) => !p.ok);
  return {
    probes: probes.length,
    ok: probes.length - failed.length,
    ratio: probes.length === 0 ? 1 : (probes.length - failed.length) / probes.length,
    failures: failed.slice(0, 3).map((p) => `t+${((p.at - startedAt) / 1000).toFixed(1)} s: ${p.why}`),
    whileGone: failed.filter((p) => foundItGone(p, windows)).length,
  };
}

function summarizeRestore(window: SoakWindow, logs: LogLine[]): RestoreSummary | undefined {
  const r = window.restore;
  if (!r) return undefined;
  const namespace = r.destination.slice(0, r.destination.indexOf('/'));
  const repaired = logs.find((l) => l.at >= r.deleteStartedAt && l.at < window.to && l.entry.drift === true && l.entry.namespace === namespace);
  return {
    windowId: window.id,
    destination: r.destination,
    goneMs: r.restoredAt === undefined ? undefined : r.restoredAt - r.deleteStartedAt,
    loggedAfterMs: repaired && repaired.at - r.deleteStartedAt,
    driftRepairs: window.driftRepairs,
    ecrCalls: r.ecrCalls,
  };
}

export function summarizeSoak(result: SoakResult): SoakSummary {
  const labels = result.destinations.map((d) => d.label);
  const before = result.outage?.from ?? Infinity;
  const probes = result.probes.filter((p) => p.at < before);
  const windowOf = (p: ProbeRecord) => result.windows.find((w) => p.at >= w.from && p.at < w.to);
  const perDestination = (subset: ProbeRecord[]) =>
    Object.fromEntries(labels.map((label) => [label, availability(subset.filter((p) => p.destination === label), result.startedAt, result.windows)]));
  const byWindow = [
    { window: undefined, id: NO_FAULT, perDestination: perDestination(probes.filter((p) => windowOf(p) === undefined)) },
    ...result.windows.map((window) => ({ window, id: window.id, perDestination: perDestination(probes.filter((p) => windowOf(p) === window)) })),
  ];
  const oldestTokenMs: Record<string, number> = {};
  for (const p of probes) if (p.ok && p.tokenAgeMs !== undefined) oldestTokenMs[p.destination] = Math.max(oldestTokenMs[p.destination] ?? 0, p.tokenAgeMs);
  return {
    byWindow,
    overall: perDestination(probes),
    restores: result.windows.flatMap((w) => summarizeRestore(w, result.logs) ?? []),
    expiredTokenProbes: probes.filter((p) => p.tokenLeftMs !== undefined && p.tokenLeftMs <= 0),
    oldestTokenMs,
    staleReads: probes.filter((p) => p.stale).length,
  };
}

const pct = (a: Availability) =>
  `${(a.ratio * 100).toFixed(a.ratio === 1 ? 0 : 2)} % (${a.ok}/${a.probes}${a.whileGone ? `; ${a.whileGone} while the deleted Secret was gone` : ''})`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The refresher's own account of a window: log lines from every replica, and the failure metrics. */
export function describeRefresher(window: SoakWindow, logs: LogLine[]): string {
  const inWindow = logs.filter((l) => l.at >= window.from && l.at < window.to);
  const parts: string[] = [];
  for (const line of inWindow.filter((l) => l.entry.msg === 'became the leader')) parts.push(`${line.replica} leads at +${seconds(line.at - window.from)}`);
  const count = (msg: string) => inWindow.filter((l) => l.entry.msg === msg).length;
  const renewals = count('lease renewal failed');
  if (renewals) parts.push(`lease renewal failed ×${renewals}`);
  const stopped = count('stopped leading');
  if (stopped) parts.push(`stopped leading ×${stopped}`);
  const failures = new Map<string, number>();
  const unclassified = new Map<string, string>();
  for (const line of inWindow) {
    const msg = String(line.entry.msg);
    if (!msg.startsWith('refresh failed')) continue;
    const key = `${msg.includes('permanent') ? 'permanent ' : ''}${String(line.entry.stage)}/${String(line.entry.reason)}`;
    failures.set(key, (failures.get(key) ?? 0) + 1);
    // An error the refresher could not classify is worth reading: say what it was.
    const err = line.entry.err as { code?: string; message?: string } | undefined;
    if (line.entry.reason === 'unknown' && !unclassified.has(key)) unclassified.set(key, `${err?.code ?? 'no code'}: ${String(err?.message ?? '').slice(0, 400)}`);
  }
  if (failures.size) parts.push(`retried ${[...failures].map(([key, n]) => `${key} ×${n}${unclassified.has(key) ? ` (${unclassified.get(key)})` : ''}`).join(', ')}`);
  const atRisk = count('target at risk');
  if (atRisk) parts.push(`at risk ×${atRisk} (webhook)`);
  const recovered = count('target recovered');
  if (recovered) parts.push(`recovered ×${recovered}`);
  const repairs = inWindow.filter((l) => l.entry.drift === true);
  if (repairs.length) {
    const first = repairs[0]!;
    parts.push(`${String(first.entry.msg)} again by the watch (drift repair) in ${String(first.entry.namespace)} at +${seconds(first.at - window.from)}${repairs.length > 1 ? `, ${repairs.length} repairs` : ''}`);
  }
  const writes = inWindow.filter((l) => l.entry.msg === 'secret set refreshed and ready');
  if (writes.length) parts.push(`${writes.length} targets written, first at +${seconds(writes[0]!.at - window.from)}`);
  const metrics = Object.entries(window.failureMetrics);
  parts.push(metrics.length ? `/metrics refresh_failures_total +${metrics.map(([k, n]) => `${n} ${k}`).join(', +')}` : '/metrics: no failures counted');
  if (window.driftRepairs) parts.push(`kubernetes_drift_repairs_total +${window.driftRepairs}`);
  return parts.join('; ');
}

export function formatSoakReport(result: SoakResult, summary = summarizeSoak(result)): string {
  const labels = result.destinations.map((d) => d.label);
  const { plan } = result;
  const lines: string[] = [];
  lines.push(
    `Pull-availability soak: ${seconds(result.endedAt - result.startedAt)} wall, tokens live ${plan.tokenLifetimeSeconds} s, REFRESH_MARGIN ${plan.marginSeconds} s, ` +
      `two daemon replicas with leader election, one probe a second per destination (${labels.join(', ')}).`,
  );
  lines.push('');
  lines.push('| fault | injected | fault lasted | all refreshed after | availability (all destinations) | what the refresher did |');
  lines.push('|---|---|---|---|---|---|');
  for (const row of summary.byWindow) {
    const all = Object.values(row.perDestination);
    const total = all.reduce<{ probes: number; ok: number }>((sum, a) => ({ probes: sum.probes + a.probes, ok: sum.ok + a.ok }), { probes: 0, ok: 0 });
    const whileGone = all.reduce((sum, a) => sum + a.whileGone, 0);
    const combined: Availability = { ...total, ratio: total.probes === 0 ? 1 : total.ok / total.probes, failures: [], whileGone };
    const w = row.window;
    if (!w) {
      lines.push(`| ${NO_FAULT} (before, between-run quiet time) | | | | ${pct(combined)} | |`);
      continue;
    }
    lines.push(
      `| ${w.title} | t+${seconds(w.from - result.startedAt)} | ${seconds(w.liftedAt - w.from)} | ` +
        `${w.refreshedAt ? seconds(w.refreshedAt - w.from) : 'not within two token lives'} | ${pct(combined)} | ${w.note}. ${describeRefresher(w, result.logs)} |`,
    );
  }
  lines.push('');
  lines.push('| destination | availability, whole run (every fault) | oldest token pulled with | crane at start / end |');
  lines.push('|---|---|---|---|');
  for (const label of labels) {
    lines.push(
      `| ${label} | ${pct(summary.overall[label]!)} | ${seconds(summary.oldestTokenMs[label] ?? 0)} of ${plan.tokenLifetimeSeconds} s | ` +
        `${result.cranePulls.start[label]} / ${result.cranePulls.end[label]} |`,
    );
  }
  for (const row of summary.byWindow) {
    for (const [label, a] of Object.entries(row.perDestination)) {
      if (a.failures.length) lines.push(`  failed in "${row.window?.title ?? NO_FAULT}" at ${label}: ${a.failures.join('; ')}${a.probes - a.ok > 3 ? ' …' : ''}`);
    }
  }
  for (const r of summary.restores) {
    const gone = r.goneMs === undefined ? 'was NOT back within the margin' : `was gone at most ${r.goneMs} ms (kubectl delete started to the new Secret read back)`;
    const logged = r.loggedAfterMs === undefined ? 'no repair in the log' : `the refresher logged the repair ${r.loggedAfterMs} ms after kubectl delete started`;
    lines.push(`Deleted Secret ${r.destination}: ${gone}; ${logged}; kubernetes_drift_repairs_total +${r.driftRepairs}; ${r.ecrCalls} ECR calls meanwhile.`);
  }
  lines.push(`Probes that pulled with an expired token: ${summary.expiredTokenProbes.length}. Secret reads that met an unavailable API server (pulled with the bytes last read): ${summary.staleReads}.`);
  const { outage } = result;
  if (outage) {
    lines.push('');
    lines.push(`ECR outage longer than a token's life (every call 500, from t+${seconds(outage.from - result.startedAt)}, lifted after ${seconds(outage.liftedAt - outage.from)}):`);
    lines.push('| destination | at-risk webhook | at_risk gauge 1 | first failed pull | alert first |');
    lines.push('|---|---|---|---|---|');
    const rel = (at: number | undefined) => (at === undefined ? 'never' : `+${seconds(at - outage.from)}`);
    for (const label of labels) {
      const [hook, gauge, failed] = [outage.webhookAt[label], outage.gaugeAt[label], outage.firstFailureAt[label]];
      const first = hook !== undefined && (failed === undefined || hook < failed);
      lines.push(`| ${label} | ${rel(hook)} | ${rel(gauge)} | ${rel(failed)} | ${first ? 'yes' : 'NO'} |`);
    }
    if (plan.outageRecovery) lines.push(`Every destination pulled again ${outage.recoveredAt ? `${seconds(outage.recoveredAt - outage.liftedAt)} after the outage was lifted` : 'NOT within 3 min of the outage being lifted'}.`);
  }
  return lines.join('\n');
}
