// The demo behind `scripts/demo`: starts the bundled ECR and secrets-API
// stand-ins, runs the real daemon (dist/cli.js) against them with two secret
// sets on one registry, and prints each refresh in plain words along with
// what /metrics and the stand-in hold. Every way out (Ctrl-C, SIGTERM, a
// closed stdout, `--for`, the daemon dying) goes through one cleanup that
// stops the daemon, closes the stand-ins and removes the temp dir.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startEcrStandIn, type EcrStandIn } from '../stand-ins/ecr-stand-in.js';
import { startSecretsApiStandIn, type SecretsApiStandIn } from '../stand-ins/secrets-api-stand-in.js';
import { DEMO_USAGE, DemoUsageError, parseDemoArgs } from './demo-args.js';
import { describeLogLine } from './demo-describe.js';
import { startDemoRegistry, type DemoRegistry } from './demo-pull.js';
import { showDemoState } from './demo-show-state.js';
import { spawnDaemon } from './demo-spawn-daemon.js';
import { createStopRequest, type StopRequest } from './demo-stop-request.js';
import { describeExit, stopDaemon } from './demo-stop-daemon.js';
import { timeDaemonLoad } from './demo-time-daemon-load.js';
import { writeDemoConfig } from './demo-write-config.js';

const API_KEY = 'pk_demo_4f1d2c3b5a6e7f8091a2b3c4';
const EVERY_SECONDS = 20;
/** The image pull secret set (the other is a triplet). */
const PULL_SET = 'demo-ecr-pull';

let outputClosed = false;
function say(text: string) {
  if (!outputClosed) process.stdout.write(`${text}\n`);
}

interface Run {
  ecr?: EcrStandIn;
  api?: SecretsApiStandIn;
  daemon?: ChildProcess;
  daemonEnd?: string;
  refreshes: number;
  registry?: DemoRegistry;
  /** The pulls under way, awaited before the registry closes. */
  pulling?: Promise<void>;
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
  const stop = createStopRequest();
  // `on`, not `once`: a second Ctrl-C while cleaning up must not kill us before the temp dir is gone.
  process.on('SIGINT', () => stop.request('Ctrl-C, SIGINT'));
  process.on('SIGTERM', () => stop.request('SIGTERM'));
  process.stdout.on('error', () => {
    outputClosed = true;
    stop.request('output closed');
  });
  const { runForMs } = args;
  if (runForMs) setTimeout(() => stop.request(`--for ${runForMs / 1000}s`), runForMs).unref();

  const startedAt = Date.now();
  const run: Run = { refreshes: 0 };
  const dir = mkdtempSync(join(tmpdir(), 'ecr-token-refresher-demo-'));
  try {
    return await runDemo(run, dir, stop, runForMs);
  } finally {
    if (run.daemon && run.daemonEnd === undefined) run.daemonEnd = await stopDaemon(run.daemon);
    await run.pulling?.catch(() => undefined);
    await Promise.all([run.ecr?.close(), run.api?.close(), run.registry?.close()]);
    rmSync(dir, { recursive: true, force: true });
    const ran = Math.round((Date.now() - startedAt) / 1000);
    const summary =
      `demo ${stop.reason ? `stopped (${stop.reason})` : 'ended'} after ${ran} s: ${run.refreshes} refreshes confirmed, ` +
      `${run.ecr?.calls.length ?? 0} ECR calls; daemon ${run.daemonEnd ?? 'never started'}; removed ${dir}`;
    if (outputClosed) process.stderr.write(`${summary}\n`);
    else say(summary);
  }
}

/** Starts everything and narrates until asked to stop; the caller cleans up whatever `run` holds. */
async function runDemo(run: Run, dir: string, stop: StopRequest, runForMs: number | undefined): Promise<number> {
  const ecr = (run.ecr = await startEcrStandIn({ tokenLifetimeSeconds: 12 * 3600 }));
  const api = (run.api = await startSecretsApiStandIn({ apiKey: API_KEY, provisioningDelayMs: 800 }));
  const registry = (run.registry = await startDemoRegistry({ ecr, api, say }));
  if (stop.reason) return 0;
  const loadMs = await timeDaemonLoad();
  if (stop.reason) return 0;
  const startMs = Date.now() + loadMs;
  const { configFile, apiKeyFile, schedule } = writeDemoConfig({ dir, apiKey: API_KEY, startMs, everySeconds: EVERY_SECONDS });
  say(`ECR stand-in:            ${ecr.url}`);
  say(`secrets API stand-in:    ${api.url}`);
  say(`config file:             ${configFile}`);
  say(`schedule:                "${schedule}" (every ${EVERY_SECONDS} s from the start)`);

  const daemon = (run.daemon = spawnDaemon({ configFile, apiKeyFile, ecrUrl: ecr.url, apiUrl: api.url }));
  const exited = new Promise<void>((resolve) =>
    daemon.once('exit', (code, signal) => {
      run.daemonEnd = describeExit(code, signal);
      resolve();
    }),
  );
  let metricsUrl: string | undefined;
  let firstPullSecret: string | undefined;
  createInterface({ input: daemon.stdout! }).on('line', (line) => {
    const event = describeLogLine(line);
    if (event.kind === 'started') metricsUrl = event.metricsUrl;
    say(event.text);
    if (event.kind !== 'refreshed') return;
    const isStopping = () => stop.reason !== undefined;
    run.refreshes += 1;
    // Both sets are written once a cycle: refresh 2 ends the first cycle, refresh 4 the second.
    if (run.refreshes === 2) {
      firstPullSecret = registry?.documentOf(PULL_SET);
      run.pulling = showDemoState({ ecr, api, say, metricsUrl, runForMs, isStopping }).then(async () => {
        if (registry && !isStopping()) await registry.showPull(PULL_SET, say);
      });
    }
    if (run.refreshes === 4 && registry && firstPullSecret) {
      const first = firstPullSecret;
      const stored = Object.values((JSON.parse(first) as { auths: Record<string, { auth: string }> }).auths)[0]?.auth;
      const expiresAt = ecr.expiryOf(stored)?.getTime() ?? Date.now();
      run.pulling = (run.pulling ?? Promise.resolve()).then(async () => {
        if (isStopping()) return;
        await registry.showStalePull(first, expiresAt - Date.now() + 1_000, say);
        if (!isStopping()) await registry.showPull(PULL_SET, say);
      });
    }
  });
  await Promise.race([stop.stopped, exited]);
  if (stop.reason) return 0;
  say(`daemon ${run.daemonEnd} by itself`);
  return 1;
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
