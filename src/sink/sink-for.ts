// Picks the sink a target's destination kind goes to, or says which is missing.
import type { TargetConfig } from '../config/config.js';
import { destinationOf, type DestinationKind } from './destination-of.js';
import type { Sink } from './sink.js';

export type Sinks = Partial<Record<DestinationKind, Sink>>;

export function sinkFor(target: TargetConfig, sinks: Sinks): Sink {
  const kind = destinationOf(target).kind;
  const sink = sinks[kind];
  if (!sink) throw new Error(`no sink for ${kind} targets is configured`);
  return sink;
}
