import { describe, expect, it } from 'vitest';
import { describeRefresher, formatSoakReport, summarizeSoak } from './support/format-soak-report.js';
import { NO_SECRET } from './support/probe-failures.js';
import type { ProbeRecord } from './support/probe-pulls.js';
import type { LogLine, SoakResult, SoakWindow } from './support/run-pull-soak.js';

const T0 = 1_000_000;
const TARGET = '[agents]/ecr-pull';
const destinations: SoakResult['destinations'] = [
  { kind: 'secretSet', label: 'soak-pull', target: 'soak-pull', name: 'soak-pull' },
  { kind: 'kubernetesSecret', label: 'agents/ecr-pull', target: TARGET, namespace: 'agents', name: 'ecr-pull' },
];
const window = (id: string, from: number, to: number, extra: Partial<SoakWindow> = {}): SoakWindow => ({
  id, title: id, from: T0 + from, to: T0 + to, liftedAt: T0 + from + 1_000, note: 'done', refreshedAt: T0 + from + 2_000, failureMetrics: {}, driftRepairs: 0, ...extra,
});
// The Secret in agents deleted by a kubectl started at t+20 s, read back anew at t+20.3 s.
const deleted = window('secret-deleted', 20_000, 30_000, {
  restore: { destination: 'agents/ecr-pull', deleteStartedAt: T0 + 20_000, deleteReturnedAt: T0 + 20_150, restoredAt: T0 + 20_300, ecrCalls: 0 },
  driftRepairs: 1,
});
const probe = (destination: string, at: number, ok: boolean, extra: Partial<ProbeRecord> = {}): ProbeRecord => ({
  destination, at: T0 + at, ok, ...(ok ? {} : { why: NO_SECRET }), tokenLeftMs: 10_000, tokenAgeMs: 5_000, ...extra,
});
const repairLogged: LogLine = { replica: 'pod-a', at: T0 + 20_180, entry: { msg: 'pull Secret created', namespace: 'agents', write: 'create-secret', cause: 'watch', drift: true } };

function result(probes: ProbeRecord[], options: { outageFrom?: number; logs?: LogLine[] } = {}): SoakResult {
  return {
    plan: { tokenLifetimeSeconds: 36, marginSeconds: 18, namespaces: ['agents'], quietMs: 0, ecrFaultMs: 0, secretsApiFaultMs: 0, etcdPauseMs: 0, networkCutMs: 0, outage: false, outageRecovery: false },
    startedAt: T0,
    endedAt: T0 + 60_000,
    destinations,
    windows: [window('ecr', 10_000, 20_000), deleted],
    probes,
    logs: options.logs ?? [],
    cranePulls: { start: { 'soak-pull': 'ok', 'agents/ecr-pull': 'ok' }, end: { 'soak-pull': 'ok', 'agents/ecr-pull': 'ok' } },
    outage:
      options.outageFrom === undefined ? undefined : { from: T0 + options.outageFrom, webhookAt: {}, gaugeAt: {}, firstFailureAt: {}, liftedAt: T0 + options.outageFrom + 1 },
  };
}

describe('the soak summary', () => {
  it('counts every failure in its window and in the whole run, the deleted Secret\'s window like any other', () => {
    const summary = summarizeSoak(result([
      probe('soak-pull', 15_000, false, { why: 'registry 401: denied' }),
      probe('soak-pull', 16_000, true),
      probe('agents/ecr-pull', 25_000, false),
      probe('agents/ecr-pull', 26_000, true),
    ]));
    const byId = (id: string) => summary.byWindow.find((w) => w.id === id)!.perDestination;
    expect(byId('ecr')['soak-pull']).toMatchObject({ probes: 2, ok: 1, ratio: 0.5, whileGone: 0 });
    expect(byId('secret-deleted')['agents/ecr-pull']).toMatchObject({ probes: 2, ok: 1, ratio: 0.5, whileGone: 0 });
    expect(byId('secret-deleted')['agents/ecr-pull']!.failures).toEqual([`t+25.0 s: ${NO_SECRET}`]);
    expect(summary.overall['agents/ecr-pull']).toMatchObject({ probes: 2, ok: 1 });
  });

  it('marks as read while gone only a probe that found no Secret inside the measured deletion-to-restore interval', () => {
    const summary = summarizeSoak(result([
      probe('agents/ecr-pull', 20_100, false),
      probe('agents/ecr-pull', 20_400, false),
      probe('agents/ecr-pull', 20_200, false, { why: 'registry 401: denied' }),
      probe('soak-pull', 20_100, true),
    ]));
    const row = summary.byWindow.find((w) => w.id === 'secret-deleted')!.perDestination;
    expect(row['agents/ecr-pull']).toMatchObject({ probes: 3, ok: 0, whileGone: 1 });
    expect(row['soak-pull']).toMatchObject({ probes: 1, ok: 1, ratio: 1, whileGone: 0 });
  });

  it('says what the refresher did for the deleted Secret: how long it was gone, when it logged the repair, the drift repairs and ECR calls', () => {
    const summary = summarizeSoak(result([], { logs: [repairLogged] }));
    expect(summary.restores).toEqual([{ windowId: 'secret-deleted', destination: 'agents/ecr-pull', goneMs: 300, loggedAfterMs: 180, driftRepairs: 1, ecrCalls: 0 }]);
    expect(summarizeSoak(result([])).restores[0]!.loggedAfterMs).toBeUndefined();
  });

  it('leaves the probes of the ECR outage out of availability, and finds expired tokens before it', () => {
    const summary = summarizeSoak(result([probe('soak-pull', 5_000, true, { tokenLeftMs: -10 }), probe('soak-pull', 45_000, false)], { outageFrom: 40_000 }));
    expect(summary.overall['soak-pull']).toMatchObject({ probes: 1, ok: 1 });
    expect(summary.expiredTokenProbes).toHaveLength(1);
  });

  it('prints the restore and the probes that met the deleted Secret gone, next to the availability', () => {
    const text = formatSoakReport(result([probe('agents/ecr-pull', 20_100, false), probe('agents/ecr-pull', 21_000, true)], { logs: [repairLogged] }));
    expect(text).toContain('| secret-deleted | t+20.0 s |');
    expect(text).toContain('50.00 % (1/2; 1 while the deleted Secret was gone)');
    expect(text).toContain('pull Secret created again by the watch (drift repair) in agents at +0.2 s');
    expect(text).toContain('kubernetes_drift_repairs_total +1');
    expect(text).toContain(
      'Deleted Secret agents/ecr-pull: was gone at most 300 ms (kubectl delete started to the new Secret read back); the refresher logged the repair 180 ms after kubectl delete started; kubernetes_drift_repairs_total +1; 0 ECR calls meanwhile.',
    );
    expect(text).not.toContain('known gap');
  });

  it('names the error of a failure the refresher could not classify, and only counts classified ones', () => {
    const failed = (at: number, reason: string, err: Record<string, string>): LogLine => ({
      replica: 'pod-a', at: T0 + at, entry: { msg: 'refresh failed with a permanent error; a person must act, retrying slowly meanwhile', stage: 'push', reason, err },
    });
    const text = describeRefresher(window('etcd', 10_000, 20_000), [
      failed(11_000, 'unknown', { code: 'ERR_KUBE_SOMETHING', message: 'the write was not answered' }),
      failed(12_000, 'unknown', { code: 'ERR_KUBE_OTHER', message: 'second' }),
      failed(13_000, 'timeout', { code: 'ERR_TIMEOUT', message: 'timed out' }),
    ]);
    expect(text).toContain('retried permanent push/unknown ×2 (ERR_KUBE_SOMETHING: the write was not answered), permanent push/timeout ×1;');
  });
});
