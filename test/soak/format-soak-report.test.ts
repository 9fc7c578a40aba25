import { describe, expect, it } from 'vitest';
import { formatSoakReport, summarizeSoak } from './support/format-soak-report.js';
import type { ProbeRecord } from './support/probe-pulls.js';
import type { SoakResult, SoakWindow } from './support/run-pull-soak.js';

const T0 = 1_000_000;
const destinations: SoakResult['destinations'] = [
  { kind: 'secretSet', label: 'soak-pull', name: 'soak-pull' },
  { kind: 'kubernetesSecret', label: 'agents/ecr-pull', namespace: 'agents', name: 'ecr-pull' },
];
const window = (id: string, from: number, to: number, knownGap?: string): SoakWindow => ({
  id, title: id, from: T0 + from, to: T0 + to, liftedAt: T0 + from + 1_000, note: 'done', knownGap, refreshedAt: T0 + from + 2_000, failureMetrics: {},
});
const probe = (destination: string, at: number, ok: boolean, extra: Partial<ProbeRecord> = {}): ProbeRecord => ({
  destination, at: T0 + at, ok, ...(ok ? {} : { why: 'the Secret does not exist' }), tokenLeftMs: 10_000, tokenAgeMs: 5_000, ...extra,
});

function result(probes: ProbeRecord[], outageFrom?: number): SoakResult {
  return {
    plan: { tokenLifetimeSeconds: 36, marginSeconds: 18, namespaces: ['agents'], quietMs: 0, ecrFaultMs: 0, secretsApiFaultMs: 0, etcdPauseMs: 0, networkCutMs: 0, outage: false, outageRecovery: false },
    startedAt: T0,
    endedAt: T0 + 60_000,
    destinations,
    windows: [window('ecr', 10_000, 20_000), window('secret-deleted', 20_000, 30_000, 'put back at the next refresh')],
    probes,
    logs: [],
    cranePulls: { start: { 'soak-pull': 'ok', 'agents/ecr-pull': 'ok' }, end: { 'soak-pull': 'ok', 'agents/ecr-pull': 'ok' } },
    outage: outageFrom === undefined ? undefined : { from: T0 + outageFrom, webhookAt: {}, gaugeAt: {}, firstFailureAt: {}, liftedAt: T0 + outageFrom + 1 },
  };
}

describe('the soak summary', () => {
  it('counts failures in a window with a known gap apart from the availability of every other window, and still in the whole run', () => {
    const summary = summarizeSoak(result([
      probe('agents/ecr-pull', 12_000, true),
      probe('agents/ecr-pull', 21_000, false),
      probe('agents/ecr-pull', 22_000, true),
      probe('soak-pull', 21_000, true),
    ]));
    expect(summary.withoutKnownGaps['agents/ecr-pull']).toMatchObject({ probes: 1, ok: 1, ratio: 1 });
    expect(summary.overall['agents/ecr-pull']).toMatchObject({ probes: 3, ok: 2 });
    const gap = summary.byWindow.find((w) => w.id === 'secret-deleted')!;
    expect(gap.perDestination['agents/ecr-pull']!.failures).toEqual(['t+21.0 s: the Secret does not exist']);
    expect(gap.perDestination['soak-pull']!.ratio).toBe(1);
  });

  it('a failure in a window without a known gap lowers that availability', () => {
    const summary = summarizeSoak(result([probe('soak-pull', 15_000, false), probe('soak-pull', 16_000, true)]));
    expect(summary.withoutKnownGaps['soak-pull']).toMatchObject({ probes: 2, ok: 1, ratio: 0.5 });
  });

  it('leaves the probes of the ECR outage out of availability, and finds expired tokens before it', () => {
    const summary = summarizeSoak(result([probe('soak-pull', 5_000, true, { tokenLeftMs: -10 }), probe('soak-pull', 45_000, false)], 40_000));
    expect(summary.overall['soak-pull']).toMatchObject({ probes: 1, ok: 1 });
    expect(summary.expiredTokenProbes).toHaveLength(1);
  });

  it('prints the known gap as such, next to its window', () => {
    const text = formatSoakReport(result([probe('agents/ecr-pull', 21_000, false)]));
    expect(text).toContain('| secret-deleted **(known gap)** | t+20.0 s |');
    expect(text).toContain('Known gap, "secret-deleted": put back at the next refresh.');
  });
});
