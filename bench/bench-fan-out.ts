// Fan-out: one `--once` cycle over many secret sets spread over a few
// registries. Counts what reached the stand-ins: one ECR call per registry,
// every PUT, and the most PUTs the secrets API saw at once.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ECRClient } from '@aws-sdk/client-ecr';
import { loadConfig } from '../src/config/load-config.js';
import { createApp } from '../src/create-app.js';
import type { EcrStandIn } from '../stand-ins/ecr-stand-in.js';
import type { SecretsApiStandIn } from '../stand-ins/secrets-api-stand-in.js';
import { makeFanOutConfig } from './make-fan-out-config.js';
import { runTimed } from './run-timed.js';
import { summarize, type Summary } from './summarize.js';

export interface FanOutRun {
  wallMs: number;
  peakRssKb: number;
  ecrCalls: number;
  puts: number;
  ready: number;
  maxConcurrentPuts: number;
}

export interface FanOutResult {
  targets: number;
  registries: number;
  runs: FanOutRun[];
  wallMs: Summary;
  peakRssKb: Summary;
  inProcessMs: Summary;
}

export async function benchFanOut(options: {
  cli: string;
  env: NodeJS.ProcessEnv;
  dir: string;
  ecr: EcrStandIn;
  api: SecretsApiStandIn;
  targets: number;
  registries: number;
  runs: number;
}): Promise<FanOutResult> {
  const { ecr, api } = options;
  const configFile = join(options.dir, 'fan-out.json');
  writeFileSync(configFile, JSON.stringify(makeFanOutConfig({ targets: options.targets, registries: options.registries }), null, 2));

  const observe = async (cycle: () => Promise<{ wallMs: number; peakRssKb: number }>): Promise<FanOutRun> => {
    // Every run creates the sets afresh, so all runs do the same work.
    api.reset();
    const callsBefore = ecr.calls.length;
    const { wallMs, peakRssKb } = await cycle();
    const sets = Array.from({ length: options.targets }, (_, i) => api.getSet(`fan-${String(i + 1).padStart(String(options.targets).length, '0')}`));
    return {
      wallMs,
      peakRssKb,
      ecrCalls: ecr.calls.length - callsBefore,
      puts: api.requests.filter((r) => r.method === 'PUT').length,
      ready: sets.filter((s) => s?.status === 'ready').length,
      maxConcurrentPuts: api.maxConcurrentPuts,
    };
  };

  const runs: FanOutRun[] = [];
  for (let i = 0; i < options.runs; i++) {
    runs.push(
      await observe(async () => {
        const run = await runTimed(process.execPath, [options.cli, '--once', '--config', configFile], { env: options.env });
        if (run.code !== 0) throw new Error(`fan-out --once exited ${run.code}:\n${run.stderr.slice(-2000)}${run.stdout.slice(-2000)}`);
        return run;
      }),
    );
  }

  // The same cycle in this process, without process start-up and module loading.
  const inProcess: number[] = [];
  const config = loadConfig({
    env: { ...options.env, LOG_LEVEL: 'warn' },
    configFile,
    readFile: (path) => readFileSync(path, 'utf8'),
  });
  for (let i = 0; i < options.runs; i++) {
    const run = await observe(async () => {
      const client = new ECRClient({
        region: 'us-east-1',
        endpoint: ecr.url,
        credentials: { accessKeyId: 'AKIABENCHMARK0000001', secretAccessKey: 'benchmark-secret-access-key-not-real' },
      });
      const app = createApp({ config, version: 'bench', ecrClientFor: () => client, logDestination: { write: () => undefined } });
      const started = performance.now();
      const outcomes = await app.runOnce();
      const wallMs = performance.now() - started;
      await app.stop();
      client.destroy();
      const failed = outcomes.filter((o) => !o.ok).length;
      if (failed > 0) throw new Error(`in-process fan-out: ${failed} targets failed`);
      return { wallMs, peakRssKb: Number.NaN };
    });
    if (run.ecrCalls !== options.registries || run.ready !== options.targets) {
      throw new Error(`in-process fan-out made ${run.ecrCalls} ECR calls and left ${run.ready} sets ready`);
    }
    inProcess.push(run.wallMs);
  }

  return {
    targets: options.targets,
    registries: options.registries,
    runs,
    wallMs: summarize(runs.map((r) => r.wallMs)),
    peakRssKb: summarize(runs.map((r) => r.peakRssKb)),
    inProcessMs: summarize(inProcess),
  };
}
