// Everything the cluster-wide pull Secret targets of a configuration share:
// one controller per target, one Event recorder, their metrics, and the sink
// the engine publishes through. `start` begins the watches (the daemon, or a
// leader's term with its fence); `stop` ends them and drops the caches.
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../../config/config.js';
import type { Clock, Timers } from '../../schedule/clock.js';
import type { WriteFence } from '../../sink/sink.js';
import type { TokenMinter } from '../../ecr/create-token-minter.js';
import type { EcrToken } from '../../ecr/ecr-token.js';
import type { KubeWatchClient } from '../api/create-kube-client.js';
import { createClusterSink } from './create-cluster-sink.js';
import { createNamespaceController, type NamespaceController } from './create-namespace-controller.js';
import { createControllerMetrics } from './controller-metrics.js';
import { createEventRecorder } from './namespace-events.js';

export interface ClusterControllers {
  sink: ReturnType<typeof createClusterSink>;
  controllers: ReadonlyMap<string, NamespaceController>;
  start(fence?: WriteFence): void;
  stop(): Promise<void>;
}

export function createClusterControllers(deps: {
  config: Pick<Config, 'targets'>;
  client: KubeWatchClient;
  server: string;
  clock: Clock;
  timers: Timers;
  logger: Logger;
  registry: Registry;
  identity: string;
  random?: () => number;
  mint: TokenMinter;
  onToken?: (token: EcrToken) => void;
  onSecret?: (value: string) => void;
}): ClusterControllers | undefined {
  const targets = deps.config.targets.flatMap((target) => (target.destination.kind === 'kubernetes-cluster' ? [{ name: target.name, selection: target.destination.selection }] : []));
  if (targets.length === 0) return undefined;
  const events = createEventRecorder({ client: deps.client, clock: deps.clock, logger: deps.logger, identity: deps.identity });
  const controllers = new Map<string, NamespaceController>();
  const metrics = createControllerMetrics(deps.registry, controllers);
  for (const { name, selection } of targets) {
    controllers.set(
      name,
      createNamespaceController({
        client: deps.client,
        selection,
        clock: deps.clock,
        timers: deps.timers,
        logger: deps.logger,
        events,
        observer: metrics.observerFor(name),
        random: deps.random,
        onSecret: deps.onSecret,
      }),
    );
  }
  return {
    sink: createClusterSink({ controllers, endpoint: deps.client.endpoint, server: deps.server, timers: deps.timers, mint: deps.mint, onToken: deps.onToken, onSecret: deps.onSecret }),
    controllers,
    start: (fence) => {
      for (const controller of controllers.values()) controller.start(fence);
    },
    stop: async () => {
      await Promise.all([...controllers.values()].map((controller) => controller.stop()));
    },
  };
}
