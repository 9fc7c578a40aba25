// The one way tests read a metric: one series (or the sum of several) the way
// a PromQL `sum(name{labels})` would, where every series whose labels include
// the given ones counts. Histogram parts are named in full (`..._count`). It
// reads a prom-client Registry in process or a group a Pushgateway holds.
import type { Registry } from 'prom-client';
import type { PushgatewayGroup } from './start-pushgateway.js';

interface Sample {
  name: string;
  labels: Record<string, string | number>;
  value: number;
}

export type MetricSource = Registry | PushgatewayGroup;

async function samplesOf(source: MetricSource): Promise<Sample[]> {
  if ('families' in source) {
    // A group also carries fields that are not metric families (last_push_successful).
    return Object.entries(source.families).flatMap(([name, family]) =>
      (Array.isArray(family?.metrics) ? family.metrics : []).filter((m) => m.value !== undefined).map((m) => ({ name, labels: m.labels, value: Number(m.value) })),
    );
  }
  return (await source.getMetricsAsJSON()).flatMap((metric) =>
    (metric.values as Array<{ metricName?: string; labels: Record<string, string | number>; value: number }>).map((v) => ({
      name: v.metricName ?? metric.name,
      labels: v.labels,
      value: v.value,
    })),
  );
}

async function matching(source: MetricSource, name: string, labels: Record<string, string>): Promise<Sample[]> {
  return (await samplesOf(source)).filter(
    (s) => s.name === name && Object.entries(labels).every(([key, wanted]) => String(s.labels[key]) === wanted),
  );
}

export async function metricValue(source: MetricSource, name: string, labels: Record<string, string> = {}): Promise<number> {
  return (await matching(source, name, labels)).reduce((total, s) => total + s.value, 0);
}

/** Whether any series of that name has all the given labels. */
export async function hasSeries(source: MetricSource, name: string, labels: Record<string, string> = {}): Promise<boolean> {
  return (await matching(source, name, labels)).length > 0;
}
