// With leader election, a write may only start while this replica holds the
// Lease: a cycle that began just before leadership lapsed must not publish
// after it. Plans and confirmations only read, so they pass.
import { RefreshError } from '../errors/refresh-error.js';
import type { Sinks } from './sink-for.js';
import type { Sink } from './sink.js';

export function fenceSinks(sinks: Sinks, isLeader: () => boolean): Sinks {
  const fenced: Sinks = {};
  for (const [kind, sink] of Object.entries(sinks) as [keyof Sinks, Sink][]) {
    fenced[kind] = {
      ...sink,
      batch() {
        const batch = sink.batch();
        return {
          ...batch,
          publish(plan) {
            if (!isLeader()) {
              return Promise.reject(
                new RefreshError('not written: this replica no longer holds the leader election Lease', { stage: 'push', reason: 'unknown', retryable: false }),
              );
            }
            return batch.publish(plan);
          },
        };
      },
    };
  }
  return fenced;
}
