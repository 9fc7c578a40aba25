#!/usr/bin/env node
// The entry point, and the only module that touches process.env, argv,
// signals and exit codes (their meanings, as --help lists them, are in
// config/exit-codes.ts).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Config } from './config/config.js';
import { ConfigError, UsageError } from './config/config-error.js';
import { EXIT } from './config/exit-codes.js';
import { helpText } from './config/help-text.js';
import { loadConfig } from './config/load-config.js';
import { parseArgs } from './config/parse-args.js';
import type { App } from './create-app.js';
import { loadKubernetesAccess } from './kubernetes/api/load-kubernetes-access.js';
import { routeProcessWarnings } from './log/route-process-warnings.js';
import { formatPreflightSummary } from './preflight/preflight-report.js';

const { ok: EXIT_OK, refreshFailed: EXIT_REFRESH_FAILED, badConfig: EXIT_BAD_CONFIG, startFailed: EXIT_START_FAILED } = EXIT;

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number | undefined> {
  let args;
  let config;
  let kubernetes;
  try {
    args = parseArgs(argv);
    if (args.help) {
      process.stdout.write(helpText(version));
      return EXIT_OK;
    }
    if (args.version) {
      process.stdout.write(`${version}\n`);
      return EXIT_OK;
    }
    config = loadConfig({ env, configFile: args.configFile, once: args.once, readFile: (path) => readFileSync(path, 'utf8') });
    kubernetes = loadKubernetesAccess(config, { host: env.KUBERNETES_SERVICE_HOST, port: env.KUBERNETES_SERVICE_PORT });
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UsageError) {
      process.stderr.write(`ecr-token-refresher: ${error.message}\n`);
      return EXIT_BAD_CONFIG;
    }
    throw error;
  }

  // Loaded only once a run is certain: --help, --version and a bad configuration exit without
  // evaluating the AWS SDK, undici, pino and prom-client (most of the start-up time and memory).
  const [{ createApp }, { createProxyDispatcher, describeProxy }] = await Promise.all([
    import('./create-app.js'),
    import('./http/create-proxy-dispatcher.js'),
  ]);
  const app = createApp({
    config,
    version,
    dispatcher: createProxyDispatcher(env),
    kubernetes,
    // Given to the clients explicitly, so that an error names the endpoint really used.
    ecrEndpointUrl: env.AWS_ENDPOINT_URL_ECR?.trim() || env.AWS_ENDPOINT_URL?.trim() || undefined,
    stsEndpointUrl: env.AWS_ENDPOINT_URL_STS?.trim() || env.AWS_ENDPOINT_URL?.trim() || undefined,
    // In --dry-run, stdout carries the requests; logs go to stderr.
    logDestination: args.dryRun ? { write: (line: string) => void process.stderr.write(line) } : undefined,
  });

  routeProcessWarnings(process, app.logger);
  const proxy = describeProxy(env);
  if (proxy) app.logger.info({ proxy }, 'calls to the secrets API, webhook and Pushgateway go through a proxy (NO_PROXY honoured)');

  if (args.dryRun) return dryRun(app);

  if (args.once) return once(app);
  return daemon(app, config);
}

/** --once: one cycle, then the Pushgateway push if configured; exit 0 only when both succeeded. */
async function once(app: App): Promise<number> {
  stopOnSignals(app, () => undefined);
  const outcomes = await app.runOnce();
  const pushed = await app.finishOnce();
  const failed = outcomes.filter((o) => !o.ok);
  app.logger.info({ targets: outcomes.length, failed: failed.map((o) => o.name) }, 'one-shot run finished');
  return failed.length === 0 && pushed ? EXIT_OK : EXIT_REFRESH_FAILED;
}

/** The daemon: runs until a signal; exits 3 at once when it cannot start (the metrics listener, most often). */
async function daemon(app: App, config: Config): Promise<number | undefined> {
  try {
    await app.startDaemon();
  } catch (error) {
    app.logger.fatal({ err: error }, startFailure(error, config));
    return EXIT_START_FAILED;
  }
  stopOnSignals(app, (code) => process.exit(code));
  return undefined;
}

/** What a person should read when the daemon could not start: the listener's own problems name the setting to change. */
function startFailure(error: unknown, config: Config): string {
  const { code, syscall } = (error ?? {}) as { code?: string; syscall?: string };
  const where = `${config.metricsHost}:${config.metricsPort}`;
  if (syscall === 'listen' && code === 'EADDRINUSE') return `cannot listen on ${where}; set METRICS_PORT to a free port`;
  if (syscall === 'listen' && code === 'EACCES') return `cannot listen on ${where}: not allowed to bind that port; set METRICS_PORT to 1024 or above`;
  if (syscall === 'listen' && (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')) {
    return `cannot listen on ${where}: METRICS_HOST is not an address of this host; set it to 0.0.0.0 or one of its addresses`;
  }
  if (syscall === 'listen') return `cannot listen on ${where} (${code ?? 'unknown error'}); check METRICS_HOST and METRICS_PORT`;
  return 'the daemon could not start; the error says why';
}

/** The preflight: a summary on stderr, the requests and problems as JSON on stdout, both scrubbed. */
async function dryRun(app: App): Promise<number> {
  let report;
  try {
    report = await app.dryRun();
  } catch (error) {
    app.logger.error({ err: error }, 'dry run failed');
    return EXIT_REFRESH_FAILED;
  }
  process.stderr.write(app.scrub(formatPreflightSummary(report)));
  const { ok, requests, problems } = report;
  process.stdout.write(`${app.scrub(JSON.stringify({ dryRun: true, ok, requests, problems }, null, 2))}\n`);
  return ok ? EXIT_OK : EXIT.preflightProblem;
}

function stopOnSignals(app: App, exit: (code: number) => void) {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      app.logger.warn({ signal }, 'second signal: exiting now');
      process.exit(EXIT_REFRESH_FAILED);
    }
    stopping = true;
    app.logger.info({ signal }, 'stopping: finishing the refresh in flight');
    void app.stop().then(
      (drained) => {
        if (drained) app.logger.info({ drained }, 'stopped');
        else app.logger.warn({ drained, note: 'the refresh in flight was abandoned at SHUTDOWN_TIMEOUT' }, 'stopped');
        exit(EXIT_OK);
      },
      () => exit(EXIT_REFRESH_FAILED),
    );
  };
  // `on`, not `once`: the second signal must reach the handler above. As PID 1 in a container
  // (the image has no init) a signal without a handler is ignored, not fatal.
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

main(process.argv.slice(2), process.env).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ecr-token-refresher: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = EXIT_REFRESH_FAILED;
  },
);
