// What a destination of ECR credentials must do. The engine mints a token and
// hands it to the sink of each target: plan (read-only: what publishing would
// do; --dry-run stops there), publish, confirm. A sink opens one batch per
// cycle so that reads its targets share (one list call, one readiness poll)
// are made once. Sinks throw neutral errors; the engine attaches the stage.
// A target's destination kind (set by the configuration loader, exactly one
// per target) picks its sink from the `Sinks` map the wiring builds.
import type { TargetConfig, TargetDestination } from '../config/config.js';
import type { EcrToken } from '../ecr/ecr-token.js';

export type DestinationKind = TargetDestination['kind'];

/** How a target is named in metrics and logs (the `secret_set` label for Pipecat Cloud). */
export interface TargetDescription {
  kind: string;
  name: string;
  /** scheme://host:port the sink talks to for this target, named by --dry-run and in errors. */
  endpoint?: string;
}

/** What publishing would send, with every secret value replaced by its length. */
export interface PublishPreview {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface SinkPlan {
  target: TargetConfig;
  token: EcrToken;
  /** The destination does not exist yet and publishing creates it. */
  creating: boolean;
  /** Facts worth a log field on success (e.g. the format written). */
  details: Record<string, unknown>;
  /**
   * What the plan found that needs a person although publishing would go
   * ahead (e.g. the destination reports an earlier failure); --dry-run
   * reports each as a problem.
   */
  notes?: { code: string; reason: string; message: string; fix: string }[];
  preview: PublishPreview;
}

/**
 * Given to a publish under leader election: whether this replica's term of
 * leadership still holds (check it right before each write), and a signal
 * aborted when the term ends (hand it to the requests that write).
 */
export interface WriteFence {
  holds(): boolean;
  readonly signal: AbortSignal;
}

export interface SinkBatch<P extends SinkPlan = SinkPlan> {
  plan(target: TargetConfig, token: EcrToken): Promise<P>;
  publish(plan: P, fence?: WriteFence): Promise<void>;
  confirm(plan: P, timeoutMs: number): Promise<void>;
}

export interface Sink<P extends SinkPlan = SinkPlan> {
  describe(target: TargetConfig): TargetDescription;
  /** Facts of a target's configuration worth a series of their own (target_info labels). */
  info(target: TargetConfig): { format: string; pccRegion?: string };
  batch(): SinkBatch<P>;
  /** Ends waits in progress (a readiness poll) at shutdown. */
  stop(): void;
}

/** The sink of each kind of destination the configured targets name. */
export type Sinks = Partial<Record<DestinationKind, Sink>>;

/** The sink a target's destination kind goes to, or an error naming the kind that has none. */
export function sinkFor(target: TargetConfig, sinks: Sinks): Sink {
  const kind = target.destination.kind;
  const sink = sinks[kind];
  if (!sink) throw new Error(`no sink for ${kind} targets is configured`);
  return sink;
}

/** One batch per sink for the length of a cycle, opened on first use. */
export function openBatches(): (sink: Sink) => SinkBatch {
  const batches = new Map<Sink, SinkBatch>();
  return (sink) => {
    let batch = batches.get(sink);
    if (!batch) batches.set(sink, (batch = sink.batch()));
    return batch;
  };
}
