import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/create-metrics.js';
import { createControllerMetrics } from '../../src/kubernetes/controller/controller-metrics.js';
import { ROOT } from '../support/root.js';

// The metrics table in docs/metrics.md is what users write dashboards against:
// it must list exactly the series the code exports, with the same types and labels.
function docTable() {
  const section = readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8');
  const rows = new Map<string, { type: string; labels: string[] }>();
  for (const line of section.split('\n')) {
    const m = /^\| `(ecr_token_refresher_[a-z_]+)` \| (\w+) \| ([^|]*) \|/.exec(line);
    if (m) rows.set(m[1]!, { type: m[2]!, labels: m[3]!.split(',').map((l) => l.trim()).filter(Boolean).sort() });
  }
  return rows;
}

describe('docs/metrics.md metrics table', () => {
  it('lists every exported series with its type and labels, and nothing else', async () => {
    const metrics = createMetrics({ version: 't', defaultMetrics: false });
    // The series of cluster-wide pull Secret targets share the registry.
    createControllerMetrics(metrics.registry, new Map());
    const exported = new Map<string, { type: string; labels: string[] }>();
    for (const metric of await metrics.registry.getMetricsAsJSON()) {
      const object = metrics.registry.getSingleMetric(metric.name) as unknown as { labelNames: string[] };
      exported.set(metric.name, { type: String(metric.type), labels: [...object.labelNames].sort() });
    }
    expect(docTable()).toEqual(exported);
  });
});
