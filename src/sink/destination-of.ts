// A target's destination as the tagged value the engine dispatches on; the
// configuration loader builds it (exactly one per target).
import type { TargetConfig, TargetDestination } from '../config/config.js';

export type Destination = TargetDestination;

export type DestinationKind = Destination['kind'];

export function destinationOf(target: TargetConfig): Destination {
  return target.destination;
}
