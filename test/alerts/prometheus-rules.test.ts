// The shipped alert rules: valid for promtool, covered by promtool unit tests
// that each threshold can fail, overridable by named placeholder, and every
// alert annotated with a runbook that exists in docs/alerts.md.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findTool } from '../support/find-tool.js';
import { ROOT } from '../support/root.js';
import { markdownAnchors, markdownSection } from './support/github-anchor.js';
import { RULES_FILE, loadAlertRules, setThreshold, thresholdValue, type ThresholdName } from './support/load-alert-rules.js';
import { exportedSeriesNames, referencedSeriesNames } from './support/exported-series-names.js';

const RULE_TESTS = fileURLToPath(new URL('./rules/prometheus-rules.test.yaml', import.meta.url));
const ALERTS_DOC = readFileSync(join(ROOT, 'docs', 'alerts.md'), 'utf8');
const RUNBOOK_PREFIX = 'https://github.com/pipecat-ai/ecr-token-refresher/blob/main/docs/alerts.md#';

// Each threshold the chart sets by placeholder name, its default, its alert,
// the text the expression holds, and a value one step off the default.
const THRESHOLDS: { name: ThresholdName; value: number; text: string; alert: string; moved: number }[] = [
  { name: 'expiringWarningSeconds', value: 14400, text: '< 14400', alert: 'EcrTokenRefresherTokenExpiringSoon', moved: 14401 },
  { name: 'expiringCriticalSeconds', value: 3600, text: '< 3600', alert: 'EcrTokenRefresherTokenAboutToExpire', moved: 3601 },
  { name: 'overdueGraceSeconds', value: 1800, text: '+ 1800', alert: 'EcrTokenRefresherRefreshOverdue', moved: 1799 },
  { name: 'consecutiveFailures', value: 3, text: '>= 3', alert: 'EcrTokenRefresherRefreshFailing', moved: 2 },
];

// Alerts on series that carry no per-target labels.
const WITHOUT_TARGET_LABELS = new Set([
  'EcrTokenRefresherDown',
  'EcrTokenRefresherReplicaDown',
  'EcrTokenRefresherNoLeader',
  'EcrTokenRefresherMetricsAbsent',
  'EcrTokenRefresherSecretsApiErrors',
  'EcrTokenRefresherEcrErrors',
]);

function promtool(args: string[], cwd = ROOT) {
  const result = spawnSync(findTool('promtool'), args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const scratch: string[] = [];
afterAll(() => scratch.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A copy of the rules and their unit tests, with the rules text changed. */
function copyWithRules(rulesText: string): { cwd: string; tests: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rules-'));
  scratch.push(dir);
  const rules = join(dir, relative(ROOT, RULES_FILE));
  const tests = join(dir, relative(ROOT, RULE_TESTS));
  mkdirSync(dirname(rules), { recursive: true });
  mkdirSync(dirname(tests), { recursive: true });
  writeFileSync(rules, rulesText);
  cpSync(RULE_TESTS, tests);
  return { cwd: dir, tests };
}

describe('alert rules under promtool', () => {
  it('finds promtool, or fails naming the install script', () => {
    expect(() => findTool('promtool', '')).toThrow(/scripts\/install-test-tools/);
    expect(findTool('promtool')).toMatch(/promtool$/);
  });

  it('passes promtool check rules with every alert counted', () => {
    const { status, output } = promtool(['check', 'rules', RULES_FILE]);
    expect(output).toContain(`SUCCESS: ${loadAlertRules().length} rules found`);
    expect(status).toBe(0);
  });

  it('passes every promtool rule unit test', () => {
    const { status, output } = promtool(['test', 'rules', RULE_TESTS]);
    expect(output).not.toContain('FAILED');
    expect(output).toContain('SUCCESS');
    expect(status).toBe(0);
  });

  it('has, for every alert, a unit test where it fires and one where it stays quiet', () => {
    const doc = parse(readFileSync(RULE_TESTS, 'utf8')) as {
      tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
    };
    const cases = doc.tests.flatMap((test) => test.alert_rule_test ?? []);
    for (const { alert } of loadAlertRules()) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect(mine.some((c) => (c.exp_alerts ?? []).length > 0), `${alert} never fires in a test`).toBe(true);
      expect(mine.some((c) => (c.exp_alerts ?? []).length === 0), `${alert} has no quiet case`).toBe(true);
    }
  });

  it.each(THRESHOLDS)('fails its unit tests when $name is moved to $moved', ({ name, moved }) => {
    const rules = readFileSync(RULES_FILE, 'utf8');
    const { cwd, tests } = copyWithRules(setThreshold(rules, name, moved));
    const { status, output } = promtool(['test', 'rules', tests], cwd);
    expect(output).toContain('FAILED');
    expect(status).toBe(1);
  });
});

describe('alert rules file', () => {
  const rules = loadAlertRules();
  const text = readFileSync(RULES_FILE, 'utf8');

  it.each(THRESHOLDS)('holds the placeholder $name once, defaulting to $value, in $alert', ({ name, value, text: threshold, alert }) => {
    expect(thresholdValue(text, name)).toBe(value);
    expect(text.split(threshold).length - 1).toBe(1);
    const owners = rules.filter((rule) => rule.expr.includes(`# threshold: ${name}`)).map((rule) => rule.alert);
    expect(owners).toEqual([alert]);
    expect(rules.find((rule) => rule.alert === alert)!.expr).toContain(`${threshold} # threshold: ${name}`);
  });

  it('names every alert EcrTokenRefresher… and each name once', () => {
    const names = rules.map((rule) => rule.alert);
    expect(names.length).toBeGreaterThanOrEqual(10);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^EcrTokenRefresher[A-Z]\w+$/);
  });

  it('gives every alert a severity, summary, description and runbook_url', () => {
    for (const rule of rules) {
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels?.severity);
      for (const key of ['summary', 'description', 'runbook_url']) {
        expect(rule.annotations?.[key]?.trim(), `${rule.alert} ${key}`).toBeTruthy();
      }
      expect(rule.annotations!.runbook_url!.startsWith(RUNBOOK_PREFIX), rule.alert).toBe(true);
    }
  });

  it('names the secret set and registry in summary and description where the series carry them', () => {
    for (const rule of rules.filter((r) => !WITHOUT_TARGET_LABELS.has(r.alert))) {
      for (const key of ['summary', 'description']) {
        expect(rule.annotations?.[key], `${rule.alert} ${key}`).toContain('{{ $labels.secret_set }}');
        expect(rule.annotations?.[key], `${rule.alert} ${key}`).toContain('{{ $labels.registry }}');
      }
    }
  });

  it('points every runbook_url at a runbook heading of docs/alerts.md', () => {
    const troubleshooting = new Set(markdownAnchors(markdownSection(ALERTS_DOC, 'Troubleshooting')));
    const all = new Set(markdownAnchors(ALERTS_DOC));
    for (const rule of rules) {
      const anchor = rule.annotations!.runbook_url!.slice(RUNBOOK_PREFIX.length);
      expect(troubleshooting.has(anchor), `${rule.alert} → #${anchor}`).toBe(true);
      expect(all.has(anchor), `#${anchor} is not unique in docs/alerts.md`).toBe(true);
    }
    const anchors = rules.map((rule) => rule.annotations!.runbook_url);
    expect(new Set(anchors).size, 'one troubleshooting section per alert').toBe(anchors.length);
  });

  it('uses only series the refresher exports', async () => {
    const exported = await exportedSeriesNames();
    for (const rule of rules) {
      for (const name of referencedSeriesNames(rule.expr)) expect(exported, `${rule.alert}: ${name}`).toContain(name);
    }
  });

  it('selects the scrape job by the shared pattern', () => {
    for (const rule of rules.filter((r) => /\bup\b/.test(r.expr))) {
      expect(rule.expr).toContain('up{job=~".*ecr-token-refresher.*"}');
    }
  });
});
