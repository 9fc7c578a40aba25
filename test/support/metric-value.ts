// Reads one series (or the sum of several) from a prom-client Registry, the
// way a PromQL `sum(name{labels})` would: every series whose labels include
// the given ones counts. Histogram parts are named in full (`..._count`).
import type { Registry } from 'prom-client';

export async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  let total = 0;
  for (const metric of await registry.getMetricsAsJSON()) {
    for (const value of metric.values as Array<{ metricName?: string; labels: Record<string, string | number>; value: number }>) {
      if ((value.metricName ?? metric.name) !== name) continue;
      if (Object.entries(labels).every(([key, wanted]) => String(value.labels[key]) === wanted)) total += value.value;
    }
  }
  return total;
}

/** Whether any series of that name has all the given labels. */
export async function hasSeries(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<boolean> {
  for (const metric of await registry.getMetricsAsJSON()) {
    for (const value of metric.values as Array<{ metricName?: string; labels: Record<string, string | number> }>) {
      if ((value.metricName ?? metric.name) !== name) continue;
      if (Object.entries(labels).every(([key, wanted]) => String(value.labels[key]) === wanted)) return true;
    }
  }
  return false;
}
