import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/create-metrics.js';
import { ROOT } from '../support/root.js';

// The README's metrics table is what users write dashboards against: it must
// list exactly the series the code exports, with the same types and labels.
function readmeTable() {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Metrics'), readme.indexOf('\n## ', readme.indexOf('## Metrics') + 5));
  const rows = new Map<string, { type: string; labels: string[] }>();
  for (const line of section.split('\n')) {
    const m = /^\| `(ecr_token_refresher_[a-z_]+)` \| (\w+) \| ([^|]*) \|/.exec(line);
    if (m) rows.set(m[1]!, { type: m[2]!, labels: m[3]!.split(',').map((l) => l.trim()).filter(Boolean).sort() });
  }
  return rows;
}

describe('README metrics table', () => {
  it('lists every exported series with its type and labels, and nothing else', async () => {
    const metrics = createMetrics({ version: 't', defaultMetrics: false });
    const exported = new Map<string, { type: string; labels: string[] }>();
    for (const metric of await metrics.registry.getMetricsAsJSON()) {
      const object = metrics.registry.getSingleMetric(metric.name) as unknown as { labelNames: string[] };
      exported.set(metric.name, { type: String(metric.type), labels: [...object.labelNames].sort() });
    }
    expect(readmeTable()).toEqual(exported);
  });
});
