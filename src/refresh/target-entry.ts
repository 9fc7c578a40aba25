// One configured target as the engine holds it: its sink, its labels, the
// pure record of its history, and whether a refresh of it is in flight.
import type { TargetConfig } from '../config/config.js';
import type { TargetLabels } from '../metrics/create-metrics.js';
import { sinkFor, type Sink, type Sinks } from '../sink/sink.js';
import { initialRecord, type TargetRecord } from './target-transitions.js';

export interface TargetEntry {
  target: TargetConfig;
  sink: Sink;
  /** The sink's name for the target: the secret set for Pipecat Cloud. */
  name: string;
  labels: TargetLabels;
  record: TargetRecord;
  running: boolean;
}

export function registryLabel(target: TargetConfig): string {
  return `${target.registryId ?? 'default'}/${target.awsRegion}`;
}

/** Each target with the sink its destination goes to, named as that sink names it. */
export function createTargetEntries(targets: readonly TargetConfig[], sinks: Sinks): TargetEntry[] {
  return targets.map((target) => {
    const sink = sinkFor(target, sinks);
    const name = sink.describe(target).name;
    return { target, sink, name, labels: { secret_set: name, registry: registryLabel(target) }, record: initialRecord, running: false };
  });
}
