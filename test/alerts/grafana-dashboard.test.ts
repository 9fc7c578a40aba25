// The shipped Grafana dashboard: importable (uid, title, datasource variable),
// every query valid PromQL over series the refresher really exports.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { findTool } from '../support/find-tool.js';
import { exportedSeriesNames, referencedSeriesNames } from './support/exported-series-names.js';

interface Target {
  expr?: string;
  refId?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id?: number;
  type: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
  fieldConfig?: { defaults?: { unit?: string; thresholds?: { steps?: { value: number | null }[] } } };
}
interface Dashboard {
  uid?: string;
  title?: string;
  schemaVersion?: number;
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: unknown; datasource?: { uid?: string } }[] };
}

const dashboard = JSON.parse(
  readFileSync(new URL('../../helm/ecr-token-refresher/files/grafana-dashboard.json', import.meta.url), 'utf8'),
) as Dashboard;
const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
const targets = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title ?? '?', ...t })));

const scratch: string[] = [];
afterAll(() => scratch.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The query as Prometheus would receive it once Grafana filled in its variables. */
function asSent(expr: string): string {
  return expr.replaceAll('$__rate_interval', '5m').replaceAll('$secret_set', '.*');
}

describe('Grafana dashboard', () => {
  it('has a uid, a title and a current schema version', () => {
    expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/);
    expect(dashboard.title?.trim()).toBeTruthy();
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
  });

  it('offers a Prometheus datasource variable and a secret_set variable', () => {
    const vars = new Map(dashboard.templating.list.map((v) => [v.name, v]));
    expect(vars.get('datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(vars.get('secret_set')).toMatchObject({ type: 'query', datasource: { uid: '${datasource}' } });
  });

  it('queries the datasource variable from every panel and target', () => {
    expect(panels.length).toBeGreaterThan(0);
    for (const panel of panels) {
      expect(panel.datasource?.uid, panel.title).toBe('${datasource}');
      expect(panel.targets?.length, `${panel.title} has no query`).toBeGreaterThan(0);
    }
    for (const target of targets) expect(target.datasource?.uid, target.panel).toBe('${datasource}');
  });

  it('gives every panel a unique id and title', () => {
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of panels) expect(panel.title?.trim()).toBeTruthy();
  });

  it('queries only series the refresher exports', async () => {
    const exported = await exportedSeriesNames();
    for (const { panel, expr } of targets) {
      const names = referencedSeriesNames(expr ?? '');
      expect(names.length, `${panel}: ${expr}`).toBeGreaterThan(0);
      for (const name of names) expect(exported, `${panel}: ${name}`).toContain(name);
    }
  });

  it('shows expiry, attempts, failures, consecutive failures, readiness, risk and both latency histograms', () => {
    const used = new Set(targets.flatMap((t) => referencedSeriesNames(t.expr ?? '')));
    for (const name of [
      'ecr_token_refresher_token_expiry_timestamp_seconds',
      'ecr_token_refresher_refresh_attempts_total',
      'ecr_token_refresher_refresh_failures_total',
      'ecr_token_refresher_consecutive_failures',
      'ecr_token_refresher_secret_ready',
      'ecr_token_refresher_at_risk',
      'ecr_token_refresher_ecr_request_duration_seconds_bucket',
      'ecr_token_refresher_secrets_api_request_duration_seconds_bucket',
    ]) {
      expect(used, name).toContain(name);
    }
  });

  it('draws the expiry countdown in seconds with steps at 1h and 4h', () => {
    const countdowns = panels.filter((p) =>
      (p.targets ?? []).some((t) => /ecr_token_refresher_token_expiry_timestamp_seconds.*- time\(\)/.test(t.expr ?? '')),
    );
    expect(countdowns.length).toBeGreaterThan(0);
    for (const panel of countdowns) {
      expect(panel.fieldConfig?.defaults?.unit, panel.title).toBe('s');
      const steps = panel.fieldConfig?.defaults?.thresholds?.steps?.map((s) => s.value);
      expect(steps, panel.title).toEqual([null, 3600, 14400]);
    }
  });

  it('writes every query in PromQL that promtool accepts', () => {
    const rules = {
      groups: [
        {
          name: 'dashboard-queries',
          rules: targets.map((t, i) => ({ record: `dashboard:query_${i}`, expr: asSent(t.expr ?? '') })),
        },
      ],
    };
    const dir = mkdtempSync(join(tmpdir(), 'dashboard-'));
    scratch.push(dir);
    const file = join(dir, 'queries.yaml');
    writeFileSync(file, stringify(rules));
    const result = spawnSync(findTool('promtool'), ['check', 'rules', file], { encoding: 'utf8', timeout: 60_000 });
    expect(`${result.stdout}${result.stderr}`).toContain(`SUCCESS: ${targets.length} rules found`);
    expect(result.status).toBe(0);
  });
});
