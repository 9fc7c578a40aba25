// The Lambda function's figures: the bundle's size, and cold and warm
// invocation durations of the bundled function in the Runtime Interface
// Emulator (Node 24, aws-lambda-ric) against the stand-ins on loopback and
// moto's Secrets Manager holding the key. "Cold" is a new emulator: Node
// starts, loads the bundle, reads the key, refreshes; "warm" reuses it.
// Each invocation is timed twice: by the caller (HTTP round trip) and by the
// emulator's REPORT line (what Lambda bills). The set is ready at once, so
// the figures are the function's own work, not the platform's provisioning.
//
//   npx tsx bench/bench-lambda.ts      (BENCH_RUNS, default 7)
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startEcrStandIn } from '../stand-ins/ecr-stand-in.js';
import { startSecretsApiStandIn } from '../stand-ins/secrets-api-stand-in.js';
import { createProcessTracker } from '../test/support/create-process-tracker.js';
import { packageFunction } from '../test/lambda/support/package-function.js';
import { startLambdaEmulator, type LambdaEmulator } from '../test/lambda/support/start-lambda-emulator.js';
import { startMoto } from '../test/support/start-moto.js';
import { formatTable } from './format-table.js';
import { summarize, type Summary } from './summarize.js';
import { mb, spread } from './units.js';

export interface LambdaBench {
  bundleBytes: number;
  bundleGzipBytes: number;
  coldCallerMs: Summary;
  coldBilledMs: Summary;
  coldInitMs: Summary;
  warmCallerMs: Summary;
  warmBilledMs: Summary;
}

const CREDENTIALS = { accessKeyId: 'AKIABENCHLAMBDA00001', secretAccessKey: 'bench-lambda-secret-not-real' };

/** The emulator's own figures for the latest invocation: REPORT Duration, and INIT REPORT for a cold one. */
function reported(output: string): { billedMs: number; initMs?: number } {
  const durations = [...output.matchAll(/\tDuration: ([\d.]+) ms/g)];
  const inits = [...output.matchAll(/INIT REPORT\(durationMs: ([\d.]+)\)/g)];
  if (durations.length === 0) throw new Error(`no REPORT line in the emulator's output: ${output.slice(-500)}`);
  return { billedMs: Number(durations.at(-1)![1]), initMs: inits.length > 0 ? Number(inits.at(-1)![1]) : undefined };
}

async function invokeOk(fn: LambdaEmulator) {
  const result = await fn.invoke({ source: 'aws.scheduler' });
  if (result.failed) throw new Error(`the function failed: ${JSON.stringify(result.body)}`);
  return { callerMs: result.durationMs, ...reported(fn.output()) };
}

export async function benchLambda(options: { runs: number }): Promise<LambdaBench> {
  const tracker = createProcessTracker();
  const home = mkdtempSync(join(tmpdir(), 'ecr-token-refresher-bench-lambda-'));
  const codeDir = await packageFunction(join(home, 'task'));
  const bundle = join(codeDir, 'index.mjs');
  const [ecr, api] = await Promise.all([startEcrStandIn(), startSecretsApiStandIn({ provisioningDelayMs: 0 })]);
  try {
    const moto = await startMoto(tracker, home);
    const secrets = new SecretsManagerClient({ region: 'us-east-1', endpoint: moto.url, credentials: CREDENTIALS });
    const arn = (await secrets.send(new CreateSecretCommand({ Name: 'bench-key', SecretString: api.apiKey }))).ARN!;
    const env = {
      HOME: home,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_ECR: ecr.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.url,
      AWS_EC2_METADATA_DISABLED: 'true',
      PCC_API_URL: api.url,
      PCC_API_KEY_SECRET_ARN: arn,
      PCC_SECRET_SET: 'bench-lambda',
    };
    const cold = { caller: [] as number[], billed: [] as number[], init: [] as number[] };
    const warm = { caller: [] as number[], billed: [] as number[] };
    // One extra cold run first warms the page cache and is not counted.
    for (let i = 0; i <= options.runs; i++) {
      const fn = await startLambdaEmulator({ tracker, codeDir, env });
      try {
        const first = await invokeOk(fn);
        if (i === 0) continue;
        cold.caller.push(first.callerMs);
        cold.billed.push(first.billedMs);
        if (first.initMs !== undefined) cold.init.push(first.initMs);
        const again = await invokeOk(fn);
        warm.caller.push(again.callerMs);
        warm.billed.push(again.billedMs);
      } finally {
        await fn.process.stop();
      }
    }
    return {
      bundleBytes: statSync(bundle).size,
      bundleGzipBytes: gzipSync(readFileSync(bundle)).length,
      coldCallerMs: summarize(cold.caller),
      coldBilledMs: summarize(cold.billed),
      coldInitMs: summarize(cold.init),
      warmCallerMs: summarize(warm.caller),
      warmBilledMs: summarize(warm.billed),
    };
  } finally {
    await tracker.stopAll();
    await Promise.all([ecr.close(), api.close()]);
    rmSync(home, { recursive: true, force: true });
  }
}

const ms = (v: number) => `${Math.round(v)} ms`;

/** Table rows in the shape of bench/run.ts: figure, value, target, verdict. */
export function lambdaRows(r: LambdaBench): string[][] {
  return [
    ["Lambda bundle (index.mjs, the function's code): size / gzipped", `${mb(r.bundleBytes)} / ${mb(r.bundleGzipBytes)}`, '', ''],
    ['Lambda cold invocation: caller round trip (Node start, load, key read, refresh)', spread(r.coldCallerMs, ms), '', ''],
    ['Lambda cold invocation: emulator init (runtime start and bundle load)', spread(r.coldInitMs, ms), '', ''],
    ['Lambda cold invocation: billed duration (REPORT)', spread(r.coldBilledMs, ms), '', ''],
    ['Lambda warm invocation: caller round trip', spread(r.warmCallerMs, ms), '', ''],
    ['Lambda warm invocation: billed duration (REPORT)', spread(r.warmBilledMs, ms), '', ''],
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await benchLambda({ runs: Number(process.env.BENCH_RUNS ?? 7) });
  process.stdout.write(`${formatTable(['figure', 'value', 'target', 'verdict'], lambdaRows(result))}\n`);
}
