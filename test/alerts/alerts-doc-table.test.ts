// The alerts table in docs/alerts.md is what on-call reads first: it must list
// exactly the alerts the rules file ships, with the same severities and runbooks.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { markdownSection } from './support/github-anchor.js';
import { loadAlertRules } from './support/load-alert-rules.js';

interface Row {
  severity: string;
  anchor: string;
}

function docAlertsTable(): Map<string, Row> {
  const doc = readFileSync(new URL('../../docs/alerts.md', import.meta.url), 'utf8');
  const rows = new Map<string, Row>();
  for (const line of markdownSection(doc, 'Alerts').split('\n')) {
    const m = /^\| `(\w+)` \| (\w+) \| [^|]+ \| .*\]\(#([\w-]+)\) \|$/.exec(line);
    if (!m) continue;
    if (rows.has(m[1]!)) throw new Error(`the alerts table in docs/alerts.md lists ${m[1]} twice`);
    rows.set(m[1]!, { severity: m[2]!, anchor: m[3]! });
  }
  return rows;
}

describe('docs/alerts.md alerts table', () => {
  const table = docAlertsTable();
  const rules = loadAlertRules();

  it('lists exactly the alerts of the rules file, with their severities', () => {
    const fromRules = new Map(rules.map((rule) => [rule.alert, rule.labels?.severity]));
    const fromTable = new Map([...table].map(([name, row]) => [name, row.severity]));
    expect(fromTable).toEqual(fromRules);
  });

  it("links each alert to the runbook its runbook_url names", () => {
    for (const rule of rules) {
      const runbook = rule.annotations?.runbook_url ?? '';
      expect(`#${table.get(rule.alert)?.anchor}`, rule.alert).toBe(runbook.slice(runbook.indexOf('#')));
    }
  });
});
