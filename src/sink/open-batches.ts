// One batch per sink for the length of a cycle, opened on first use.
import type { Sink, SinkBatch } from './sink.js';

export function openBatches(): (sink: Sink) => SinkBatch {
  const batches = new Map<Sink, SinkBatch>();
  return (sink) => {
    let batch = batches.get(sink);
    if (!batch) batches.set(sink, (batch = sink.batch()));
    return batch;
  };
}
