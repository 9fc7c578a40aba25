// The demo behind `scripts/demo`: starts the bundled ECR and secrets-API
// stand-ins, runs the real daemon (dist/cli.js) against them with two secret
// sets on one registry, and prints each refresh in plain words along with
// what /metrics and the stand-in hold. Every way out (Ctrl-C, SIGTERM, a
// closed stdout, `--for`, the daemon dying) goes through one cleanup that
// stops the daemon, closes the stand-ins and removes the temp dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startEcrStandIn, type EcrStandIn } from '../stand-ins/ecr-stand-in.js';
import { startSecretsApiStandIn, type SecretsApiStandIn } from '../stand-ins/secrets-api-stand-in.js';
import { DEMO_USAGE, DemoUsageError, parseDemoArgs } from './demo-args.js';
import { describeLogLine } from './demo-describe.js';
import { showDemoState } from './demo-show-state.js';
import { describeExit, stopDaemon } from './demo-stop-daemon.js';
import { timeDaemonLoad } from './demo-time-daemon-load.js';
import { writeDemoConfig } from './demo-write-config.js';

const API_KEY = 'pk_demo_4f1d2c3b5a6e7f8091a2b3c4';
const EVERY_SECONDS = 20;

let outputClosed = false;
function say(text: string) {
  if (!outputClosed) process.stdout.write(`${text}\n`);
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseDemoArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof DemoUsageError)) throw error;
    process.stderr.write(`demo: ${error.message}\n\n${DEMO_USAGE}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(DEMO_USAGE);
    return 0;
  }

  const startedAt = Date.now();
  let stopReason: string | undefined;
  let requestStop!: (reason: string) => void;
  const stopped = new Promise<void>((resolve) => {
    requestStop = (reason) => {
      stopReason ??= reason;
      resolve();
    };
  });
  // `on`, not `once`: a second Ctrl-C while cleaning up must not kill us before the temp dir is gone.
  process.on('SIGINT', () => requestStop('Ctrl-C, SIGINT'));
  process.on('SIGTERM', () => requestStop('SIGTERM'));
  process.stdout.on('error', () => {
    outputClosed = true;
    requestStop('output closed');
  });
  const { runForMs } = args;
  if (runForMs) setTimeout(() => requestStop(`--for ${runForMs / 1000}s`), runForMs).unref();

  let ecr: EcrStandIn | undefined;
  let api: SecretsApiStandIn | undefined;
  let daemon: ChildProcess | undefined;
  let daemonEnd: string | undefined;
  let refreshes = 0;
  const dir = mkdtempSync(join(tmpdir(), 'ecr-token-refresher-demo-'));
  try {
    ecr = await startEcrStandIn({ tokenLifetimeSeconds: 12 * 3600 });
    api = await startSecretsApiStandIn({ apiKey: API_KEY, provisioningDelayMs: 800 });
    const loadMs = await timeDaemonLoad();
    if (stopReason) return 0;
    const startMs = Date.now() + loadMs;
    const { configFile, apiKeyFile, schedule } = writeDemoConfig({ dir, apiKey: API_KEY, startMs, everySeconds: EVERY_SECONDS });
    say(`ECR stand-in:            ${ecr.url}`);
    say(`secrets API stand-in:    ${api.url}`);
    say(`config file:             ${configFile}`);
    say(`schedule:                "${schedule}" (every ${EVERY_SECONDS} s from the start)`);

    daemon = spawnDaemon({ configFile, apiKeyFile, ecrUrl: ecr.url, apiUrl: api.url });
    const exited = new Promise<void>((resolve) =>
      daemon!.once('exit', (code, signal) => {
        daemonEnd = describeExit(code, signal);
        resolve();
      }),
    );
    let metricsUrl: string | undefined;
    const shown = { ecr, api, say, isStopping: () => stopReason !== undefined, runForMs };
    createInterface({ input: daemon.stdout! }).on('line', (line) => {
      const event = describeLogLine(line);
      if (event.kind === 'started') metricsUrl = event.metricsUrl;
      say(event.text);
      if (event.kind === 'refreshed' && ++refreshes === 2) void showDemoState({ ...shown, metricsUrl });
    });
    await Promise.race([stopped, exited]);
    if (!stopReason) {
      say(`daemon ${daemonEnd} by itself`);
      return 1;
    }
    return 0;
  } finally {
    if (daemon && daemonEnd === undefined) daemonEnd = await stopDaemon(daemon);
    await Promise.all([ecr?.close(), api?.close()]);
    rmSync(dir, { recursive: true, force: true });
    const ran = Math.round((Date.now() - startedAt) / 1000);
    const summary =
      `demo ${stopReason ? `stopped (${stopReason})` : 'ended'} after ${ran} s: ${refreshes} refreshes confirmed, ` +
      `${ecr?.calls.length ?? 0} ECR calls; daemon ${daemonEnd ?? 'never started'}; removed ${dir}`;
    if (outputClosed) process.stderr.write(`${summary}\n`);
    else say(summary);
  }
}

function spawnDaemon(options: { configFile: string; apiKeyFile: string; ecrUrl: string; apiUrl: string }): ChildProcess {
  return spawn(process.execPath, ['dist/cli.js', '--config', options.configFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
    // Its own process group: a Ctrl-C reaches the demo only, which stops the daemon once, in order.
    detached: true,
    env: {
      ...process.env,
      AWS_ENDPOINT_URL_ECR: options.ecrUrl,
      AWS_ACCESS_KEY_ID: 'AKIADEMOEXAMPLE00001',
      AWS_SECRET_ACCESS_KEY: 'demo-secret-access-key-not-real',
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      PCC_API_URL: options.apiUrl,
      PCC_API_KEY_FILE: options.apiKeyFile,
      METRICS_PORT: process.env.METRICS_PORT ?? '0',
      METRICS_HOST: '127.0.0.1',
      // The stand-ins are on loopback: never send the demo through a proxy set for the machine.
      NO_PROXY: ['127.0.0.1', 'localhost', process.env.NO_PROXY ?? process.env.no_proxy].filter(Boolean).join(','),
      LOG_LEVEL: 'info',
    },
  });
}

main().then(
  (code) => {
    process.exitCode = code;
    // Stray handles (a keep-alive socket) must not hold the demo open once it is done.
    setTimeout(() => process.exit(code), 200).unref();
  },
  (error: unknown) => {
    process.stderr.write(`demo: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
