// The one wiring point: builds the logger, metrics, clients and the refresh
// engine from a validated Config, and exposes the three ways to run them.
// Nothing here reads process.env or exits; cli.ts does that.
import { hostname } from 'node:os';
import type { Dispatcher } from 'undici';
import type { DestinationStream } from 'pino';
import type { Config } from './config/config.js';
import { createEcrClientFactory, regionalEcrEndpoint, type EcrClientFactory } from './ecr/create-ecr-client-factory.js';
import { createTokenMinter } from './ecr/create-token-minter.js';
import type { EcrToken, MintKey } from './ecr/ecr-token.js';
import { createLogging } from './log/create-logging.js';
import { createMetrics, type Metrics } from './metrics/create-metrics.js';
import { createTargetObserver, requestTimer } from './metrics/create-target-observer.js';
import { pushRunMetrics } from './metrics/push-to-gateway.js';
import { startMetricsServer, type MetricsServer } from './metrics/start-metrics-server.js';
import { createPipecatSink } from './pcc/create-pipecat-sink.js';
import { createSecretsClient } from './pcc/create-secrets-client.js';
import { createDaemonDriver, type DaemonDriver } from './drivers/create-daemon-driver.js';
import { createOneShotDriver, type OneShotDriver, type OneShotOptions } from './drivers/create-one-shot-driver.js';
import type { EngineDeps, TargetOutcome } from './refresh/create-engine.js';
import type { PreflightReport } from './preflight/preflight-report.js';
import { runPreflight } from './preflight/run-preflight.js';
import { systemClock, systemTimers, type Clock, type Timers } from './schedule/clock.js';
import { createCronScheduler } from './schedule/create-cron-scheduler.js';
import type { Scheduler } from './schedule/scheduler.js';
import { createWebhookNotifier } from './alerts/create-webhook-notifier.js';
import type { RiskNotifier } from './alerts/risk-notifier.js';
import { createKubeClient, type KubeClient } from './kubernetes/api/create-kube-client.js';
import { createLeaderElectedDriver, type LeaderElectedDriver } from './drivers/create-leader-elected-driver.js';
import { createKubernetesSink } from './kubernetes/pull-secret/create-kubernetes-sink.js';
import { monotonicClock } from './kubernetes/lease/monotonic-clock.js';
import type { KubernetesAccess } from './kubernetes/api/load-kubernetes-access.js';
import { scrubKubeCredentials } from './kubernetes/api/scrub-kube-credentials.js';
import type { SecretScrubber } from './log/create-scrubbing-destination.js';
import { createClusterControllers, type ClusterControllers } from './kubernetes/controller/create-cluster-controllers.js';
import { createRateLimiter, DEFAULT_BURST, DEFAULT_QPS } from './kubernetes/api/rate-limiter.js';
import type { Logger } from 'pino';

export interface AppOptions {
  config: Config;
  version: string;
  /** Where JSON log lines go (stdout by default). */
  logDestination?: DestinationStream;
  clock?: Clock;
  timers?: Timers;
  dispatcher?: Dispatcher;
  ecrClientFor?: EcrClientFactory;
  /** AWS_ENDPOINT_URL_ECR / AWS_ENDPOINT_URL and their STS counterparts, as the entry point read them. */
  ecrEndpointUrl?: string;
  stsEndpointUrl?: string;
  scheduler?: Scheduler;
  notifier?: RiskNotifier;
  random?: () => number;
  /** The Kubernetes API, loaded by the caller when a target is a pull Secret or leader election is on. */
  kubernetes?: KubernetesAccess;
}

/** The outbound clients and sinks, each given only its request timer. */
function createClients(config: Config, options: AppOptions, metrics: Metrics, clock: Clock, timers: Timers, scrubber: SecretScrubber, logger: Logger, onToken: (token: EcrToken) => void) {
  const clientFor =
    options.ecrClientFor ??
    createEcrClientFactory({ requestTimeoutMs: config.requestTimeoutMs, endpointUrl: options.ecrEndpointUrl, stsEndpointUrl: options.stsEndpointUrl });
  const ecrEndpoint = (key: MintKey) => clientFor.endpoint?.(key) ?? regionalEcrEndpoint(key.awsRegion);
  const mint = createTokenMinter({
    clientFor,
    clock,
    observeRequest: requestTimer(metrics, 'ecr'),
    requestTimeoutMs: config.requestTimeoutMs,
  });
  const secrets = createSecretsClient({
    apiUrl: config.apiUrl,
    apiKey: config.apiKey ?? '',
    requestTimeoutMs: config.requestTimeoutMs,
    clock,
    dispatcher: options.dispatcher,
    observeRequest: requestTimer(metrics, 'secrets-api'),
    userAgent: `ecr-token-refresher/${options.version}`,
  });
  const notifier =
    options.notifier ??
    (config.alertWebhookUrl
      ? createWebhookNotifier({ url: config.alertWebhookUrl, clock, timers, timeoutMs: config.requestTimeoutMs, dispatcher: options.dispatcher })
      : undefined);
  const connection = options.kubernetes && scrubKubeCredentials(options.kubernetes.connection, scrubber);
  const kube = connection
    ? createKubeClient({
        connection,
        requestTimeoutMs: config.requestTimeoutMs,
        userAgent: `ecr-token-refresher/${options.version}`,
        clock,
        observeRequest: requestTimer(metrics, 'kubernetes'),
        limiter: createRateLimiter({ qps: config.kubernetes.qps ?? DEFAULT_QPS, burst: config.kubernetes.burst ?? DEFAULT_BURST, clock, timers }),
      })
    : undefined;
  const cluster =
    kube && connection
      ? createClusterControllers({ config, client: kube, server: connection.server, clock, timers, logger, registry: metrics.registry, random: options.random, identity: config.leaderElection.identity ?? hostname(), mint, onToken, onSecret: (value) => scrubber.add(value) })
      : undefined;
  const sinks = {
    pipecat: createPipecatSink({ secrets, clock, timers }),
    ...(kube && connection && { kubernetes: createKubernetesSink({ client: kube, server: connection.server, onSecret: (value) => scrubber.add(value) }) }),
    ...(cluster && { 'kubernetes-cluster': cluster.sink }),
  };
  return { mint, ecrEndpoint, notifier, kube, sinks, cluster };
}

/** The daemon: plain, or behind a leader election Lease when that is on. */
function createDaemon(engineDeps: EngineDeps, options: AppOptions, client: KubeClient | undefined, metrics: Metrics, cluster?: ClusterControllers) {
  const { config } = engineDeps;
  const scheduler = options.scheduler ?? createCronScheduler(config.schedule);
  const lease = options.kubernetes?.leaseNamespace;
  if (!config.leaderElection.enabled || !client || !lease) {
    // Without an election this process is the only writer: it watches from the start.
    cluster?.start();
    return createDaemonDriver({ ...engineDeps, scheduler });
  }
  const { leaseName, leaseDurationMs, renewDeadlineMs, retryPeriodMs, identity } = config.leaderElection;
  return createLeaderElectedDriver({
    ...engineDeps,
    scheduler,
    client,
    lease: { namespace: lease, leaseName, identity: identity ?? hostname(), leaseDurationMs, renewDeadlineMs, retryPeriodMs },
    // An injected clock (simulated time) drives the deadline too; the real one is never stepped.
    monotonic: options.clock ?? monotonicClock,
    setLeader: (leading) => metrics.leader.set(leading ? 1 : 0),
    watchers: cluster,
  });
}

/** One driver per process, the daemon or a one-shot run, built on first use. */
function createDriverSlot(engineDeps: EngineDeps, options: AppOptions, client: KubeClient | undefined, metrics: Metrics, cluster?: ClusterControllers) {
  let driver: DaemonDriver | LeaderElectedDriver | OneShotDriver | undefined;
  return {
    current: () => driver,
    daemon: () => (driver ??= createDaemon(engineDeps, options, client, metrics, cluster)) as DaemonDriver | LeaderElectedDriver,
    // Each run its own one-shot driver (a warm serverless environment runs many); never over a daemon.
    oneShot: (run?: OneShotOptions) => {
      if (driver && !('run' in driver)) throw new Error('a daemon runs in this process: no one-shot run beside it');
      return (driver = createOneShotDriver(engineDeps, run));
    },
  };
}

export function createApp(options: AppOptions) {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const timers = options.timers ?? systemTimers;
  const { logger, onToken, scrubber, scrub } = createLogging(config, options);
  const metrics = createMetrics({ version: options.version });
  const { ecrEndpoint, ...clients } = createClients(config, options, metrics, clock, timers, scrubber, logger, onToken);
  const engineDeps: EngineDeps = { config, clock, timers, ...clients, logger, observer: createTargetObserver(metrics), random: options.random, onToken };
  const drivers = createDriverSlot(engineDeps, options, clients.kube, metrics, clients.cluster);
  let server: MetricsServer | undefined;

  return {
    logger,
    metrics,
    /** Text for stdout or stderr with every secret this process knows replaced. */
    scrub,

    async serve(): Promise<MetricsServer> {
      server = await startMetricsServer({
        registry: metrics.registry,
        host: config.metricsHost,
        port: config.metricsPort,
        isReady: () => drivers.current()?.isReady() ?? false,
      });
      return server;
    },

    /** Daemon mode: listener up, refresh now, then on schedule. */
    async startDaemon(): Promise<MetricsServer> {
      const driven = drivers.daemon();
      const listening = await this.serve();
      const { schedule, refreshMarginMs } = config;
      const targets = config.targets.map((target) => target.name);
      logger.info({ targets, schedule, refreshMargin: refreshMarginMs / 1000, metrics: `${listening.url}/metrics` }, 'ecr-token-refresher started');
      void driven.start();
      return listening;
    },

    /** One cycle of every target with retries; `remainingMs` bounds it (the serverless driver's deadline). */
    async runOnce(run?: OneShotOptions): Promise<TargetOutcome[]> {
      return drivers.oneShot(run).run();
    },

    /** After --once: push the run's metrics to the Pushgateway, if one is configured. False if that failed. */
    finishOnce: (): Promise<boolean> => pushRunMetrics(config, metrics, logger, options.dispatcher),

    /** --dry-run: every check of both sides, the redacted requests and every problem found; writes nothing. */
    async dryRun(): Promise<PreflightReport> {
      return runPreflight({ config, mint: clients.mint, sinks: clients.sinks, ecrEndpoint, now: () => clock.now(), onToken });
    },

    /** Drains refreshes in flight (bounded) and closes the listener. */
    async stop(): Promise<boolean> {
      const drained = (await drivers.current()?.stop(config.shutdownTimeoutMs)) ?? true;
      await clients.cluster?.stop();
      await server?.close();
      await clients.kube?.close();
      return drained;
    },
  };
}

export type App = ReturnType<typeof createApp>;
