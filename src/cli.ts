#!/usr/bin/env node
// The entry point, and the only module that touches process.env, argv,
// signals and exit codes. Exit codes: 0 every target pushed and ready (or a
// daemon stopped cleanly), 1 a refresh failed, 2 bad configuration or usage,
// 3 the process could not start (e.g. the metrics port is taken).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ConfigError } from './config/config-error.js';
import { helpText } from './config/help-text.js';
import { loadConfig } from './config/load-config.js';
import { parseArgs } from './config/parse-args.js';
import { UsageError } from './config/usage-error.js';
import { createApp, type App } from './create-app.js';
import { createProxyDispatcher, describeProxy } from './create-proxy-dispatcher.js';
import { routeProcessWarnings } from './log/route-process-warnings.js';

const EXIT_OK = 0;
const EXIT_REFRESH_FAILED = 1;
const EXIT_BAD_CONFIG = 2;
const EXIT_START_FAILED = 3;

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number | undefined> {
  let args;
  let config;
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
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UsageError) {
      process.stderr.write(`ecr-token-refresher: ${error.message}\n`);
      return EXIT_BAD_CONFIG;
    }
    throw error;
  }

  const app = createApp({
    config,
    version,
    dispatcher: createProxyDispatcher(env),
    // In --dry-run, stdout carries the requests; logs go to stderr.
    logDestination: args.dryRun ? { write: (line: string) => void process.stderr.write(line) } : undefined,
  });

  routeProcessWarnings(process, app.logger);
  const proxy = describeProxy(env);
  if (proxy) app.logger.info({ proxy }, 'calls to the secrets API, webhook and Pushgateway go through a proxy (NO_PROXY honoured)');

  if (args.dryRun) return dryRun(app);

  if (args.once) {
    stopOnSignals(app, () => undefined);
    const outcomes = await app.runOnce();
    const pushed = await app.finishOnce();
    const failed = outcomes.filter((o) => !o.ok);
    app.logger.info({ targets: outcomes.length, failed: failed.map((o) => o.secretSet) }, 'one-shot run finished');
    return failed.length === 0 && pushed ? EXIT_OK : EXIT_REFRESH_FAILED;
  }

  try {
    await app.startDaemon();
  } catch (error) {
    app.logger.fatal(
      { err: error },
      `cannot listen on ${config.metricsHost}:${config.metricsPort}; set METRICS_PORT to a free port`,
    );
    return EXIT_START_FAILED;
  }
  stopOnSignals(app, (code) => process.exit(code));
  return undefined;
}

async function dryRun(app: App): Promise<number> {
  try {
    const requests = await app.dryRun();
    process.stdout.write(`${JSON.stringify({ dryRun: true, requests }, null, 2)}\n`);
    return EXIT_OK;
  } catch (error) {
    app.logger.error({ err: error }, 'dry run failed');
    return EXIT_REFRESH_FAILED;
  }
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
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
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
