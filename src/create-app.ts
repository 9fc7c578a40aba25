// The one wiring point: builds the logger, metrics, clients and the refresh
// engine from a validated Config, and exposes the three ways to run them.
// Nothing here reads process.env or exits; cli.ts does that.
import type { Dispatcher } from 'undici';
import type { DestinationStream } from 'pino';
import type { Config } from './config/config.js';
import { createEcrClientFactory, type EcrClientFactory } from './ecr/create-ecr-client-factory.js';
import { createTokenMinter } from './ecr/create-token-minter.js';
import { createLogger } from './log/create-logger.js';
import { createScrubbingDestination, createSecretScrubber } from './log/create-scrubbing-destination.js';
import { createMetrics } from './metrics/create-metrics.js';
import { pushToGateway } from './metrics/push-to-gateway.js';
import { startMetricsServer, type MetricsServer } from './metrics/start-metrics-server.js';
import { createSecretsClient } from './pcc/create-secrets-client.js';
import { createRefresher, type TargetOutcome } from './refresh/create-refresher.js';
import { dryRun, type DryRunRequest } from './refresh/dry-run.js';
import { systemClock, systemTimers, type Clock, type Timers } from './schedule/clock.js';
import { createCronScheduler } from './schedule/create-cron-scheduler.js';
import type { Scheduler } from './schedule/scheduler.js';
import { createWebhookNotifier } from './alerts/create-webhook-notifier.js';
import type { RiskNotifier } from './alerts/risk-notifier.js';

export interface AppOptions {
  config: Config;
  version: string;
  /** Where JSON log lines go (stdout by default). */
  logDestination?: DestinationStream;
  clock?: Clock;
  timers?: Timers;
  dispatcher?: Dispatcher;
  ecrClientFor?: EcrClientFactory;
  scheduler?: Scheduler;
  notifier?: RiskNotifier;
  random?: () => number;
}

export function createApp(options: AppOptions) {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const timers = options.timers ?? systemTimers;

  const scrubber = createSecretScrubber();
  if (config.apiKey) scrubber.keep(config.apiKey);
  // Incoming-webhook URLs carry their own credential.
  if (config.alertWebhookUrl) scrubber.keep(config.alertWebhookUrl);
  const destination = options.logDestination ?? { write: (line: string) => void process.stdout.write(line) };
  const logger = createLogger({ level: config.logLevel, destination: createScrubbingDestination(destination, scrubber) });

  const metrics = createMetrics({ version: options.version });
  const mint = createTokenMinter({
    clientFor: options.ecrClientFor ?? createEcrClientFactory({ requestTimeoutMs: config.requestTimeoutMs }),
    clock,
    metrics,
    requestTimeoutMs: config.requestTimeoutMs,
  });
  const secrets = createSecretsClient({
    apiUrl: config.apiUrl,
    apiKey: config.apiKey ?? '',
    requestTimeoutMs: config.requestTimeoutMs,
    clock,
    dispatcher: options.dispatcher,
    metrics,
    userAgent: `ecr-token-refresher/${options.version}`,
  });
  const refresher = createRefresher({
    config,
    clock,
    timers,
    mint,
    secrets,
    logger,
    metrics,
    notifier:
      options.notifier ??
      (config.alertWebhookUrl
        ? createWebhookNotifier({ url: config.alertWebhookUrl, clock, timeoutMs: config.requestTimeoutMs, dispatcher: options.dispatcher })
        : undefined),
    scheduler: options.scheduler ?? createCronScheduler(config.schedule),
    random: options.random,
    onToken: (token) => {
      scrubber.add(token.password);
      scrubber.add(token.authorizationToken);
      scrubber.add(Buffer.from(`AWS:${token.password}`).toString('base64'));
    },
  });

  let server: MetricsServer | undefined;

  return {
    logger,
    metrics,
    refresher,

    async serve(): Promise<MetricsServer> {
      server = await startMetricsServer({
        registry: metrics.registry,
        host: config.metricsHost,
        port: config.metricsPort,
        isReady: () => refresher.isReady(),
      });
      return server;
    },

    /** Daemon mode: listener up, refresh now, then on schedule. */
    async startDaemon(): Promise<MetricsServer> {
      const listening = await this.serve();
      logger.info(
        {
          targets: config.targets.map((t) => t.secretSet),
          schedule: config.schedule,
          refreshMargin: config.refreshMarginMs / 1000,
          metrics: `${listening.url}/metrics`,
        },
        'ecr-token-refresher started',
      );
      void refresher.start();
      return listening;
    },

    async runOnce(): Promise<TargetOutcome[]> {
      return refresher.runOnce();
    },

    /** After --once: push the run's metrics to the Pushgateway, if one is configured. False if that failed. */
    async finishOnce(): Promise<boolean> {
      if (!config.pushgatewayUrl) return true;
      try {
        const groups = await pushToGateway({
          gatewayUrl: config.pushgatewayUrl,
          registry: metrics.registry,
          timeoutMs: config.requestTimeoutMs,
          dispatcher: options.dispatcher,
        });
        logger.info({ pushgateway: config.pushgatewayUrl, groups: groups.length }, 'metrics pushed to the Pushgateway');
        return true;
      } catch (error) {
        logger.error({ err: { message: (error as Error).message } }, 'pushing metrics to the Pushgateway failed');
        return false;
      }
    },

    async dryRun(): Promise<DryRunRequest[]> {
      return dryRun({ config, mint, secrets });
    },

    /** Drains refreshes in flight (bounded) and closes the listener. */
    async stop(): Promise<boolean> {
      const drained = await refresher.stop(config.shutdownTimeoutMs);
      await server?.close();
      return drained;
    },
  };
}

export type App = ReturnType<typeof createApp>;
