// Every series name the refresher exports, as Prometheus stores them
// (histograms as _bucket, _sum and _count), taken from the metrics module.
import { createMetrics } from '../../../src/metrics/create-metrics.js';
import { createControllerMetrics } from '../../../src/kubernetes/controller/controller-metrics.js';

export async function exportedSeriesNames(): Promise<Set<string>> {
  const metrics = createMetrics({ version: 'test', defaultMetrics: false });
  createControllerMetrics(metrics.registry, new Map());
  const names = new Set<string>();
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    if (String(metric.type) === 'histogram') {
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
    } else {
      names.add(metric.name);
    }
  }
  return names;
}

/** The refresher's own series names an expression mentions. */
export function referencedSeriesNames(expr: string): string[] {
  return [...new Set(expr.match(/\becr_token_refresher_[a-z0-9_]+/g) ?? [])];
}
