// Runs one row of the fault matrix over real HTTP: fresh stand-ins, a ready
// secret already in place (a seeding run, unless the row says otherwise), the
// row's fault, then one `--once` run of the product, in-process through
// createApp or as `node dist/cli.js --once`. Returns what an operator could
// see: outcome or exit code, log entries, metrics, and what reached the
// stand-ins during the faulty run.
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import { vi } from 'vitest';
import type { Config, TargetConfig } from '../../../src/config/config.js';
import { createApp } from '../../../src/create-app.js';
import type { EcrCall, EcrStandIn, IssuedEcrToken } from '../../../stand-ins/ecr-stand-in.js';
import type { RecordedRequest, SecretSetSnapshot, SecretsApiStandIn } from '../../../stand-ins/secrets-api-stand-in.js';
import type { BuiltCli } from '../../support/create-built-cli.js';
import { makeConfig, makeTarget } from '../../support/make-config.js';
import { refresherEnv } from '../../support/refresher-env.js';
import { startCountingProxy, type CountingProxy } from '../../support/start-counting-proxy.js';
import type { StandInOptions } from '../../support/system-test.js';

export const SECRET_SET = 'ecr-fault-matrix';
export const ACCOUNT = '123456789012';
export const GOOD_ACCESS_KEY = 'AKIAFAULTMATRIXGOOD1';
export const EXPIRED_ACCESS_KEY = 'AKIAFAULTMATRIXOLD01';
export const UNKNOWN_ACCESS_KEY = 'AKIAFAULTMATRIXWHO01';
export const REQUEST_TIMEOUT_MS = 1_000;
export const CONFIRM_TIMEOUT_MS = 3_000;
export const RETRY_INITIAL_DELAY_MS = 100;
const RETRY_MAX_DELAY_MS = 1_000;

export interface RowContext {
  ecr: EcrStandIn;
  api: SecretsApiStandIn;
  /** Work the row starts beside the run (e.g. clearing a fault once a PUT arrived); awaited after it. */
  alongside(work: Promise<unknown>): void;
}

export interface LogEntry {
  level: string;
  msg: string;
  [field: string]: unknown;
}

export interface FaultRow {
  name: string;
  /** 'app' (default): createApp in this process; 'cli': `node dist/cli.js --once`, for the exit code. */
  driver?: 'app' | 'cli';
  /** The target of the seeding run; false: the set does not exist before the faulty run. */
  seed?: Partial<TargetConfig> | false;
  /** The target of the faulty run. */
  target?: Partial<TargetConfig>;
  /** Settings of the faulty run that point elsewhere (apiUrl, apiKey). */
  config?: (ctx: RowContext) => Partial<Pick<Config, 'apiUrl' | 'apiKey'>>;
  /** Access key of the faulty run; null: no AWS credentials at all (cli only). */
  accessKeyId?: string | null;
  /** Count ECR requests at a proxy in front of the stand-in (it does not record refused keys). */
  countEcrAtProxy?: boolean;
  inject?(ctx: RowContext): void;
}

export interface RowResult {
  ok: boolean;
  retryable?: boolean;
  errorMessage?: string;
  exitCode?: number | null;
  entries: LogEntry[];
  /** In-process runs only. */
  registry?: Registry;
  elapsedMs: number;
  /** Secrets API requests of the faulty run, in order. */
  requests: RecordedRequest[];
  puts: RecordedRequest[];
  /** Requests that reached the ECR side during the faulty run. */
  ecrRequests: number;
  ecrCalls: EcrCall[];
  /** Tokens issued during the faulty run. */
  issued: IssuedEcrToken[];
  setBefore?: SecretSetSnapshot;
  setAfter?: SecretSetSnapshot;
}

function baseConfig(ecrApi: SecretsApiStandIn, target: Partial<TargetConfig>): Config {
  return makeConfig({
    apiUrl: ecrApi.url,
    apiKey: ecrApi.apiKey,
    targets: [makeTarget({ name: SECRET_SET, awsRegion: 'us-east-1', ...target })],
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    confirmTimeoutMs: CONFIRM_TIMEOUT_MS,
    retryInitialDelayMs: RETRY_INITIAL_DELAY_MS,
    retryMaxDelayMs: RETRY_MAX_DELAY_MS,
    logLevel: 'info',
  });
}

function useAws(endpoint: string, accessKeyId: string, home: string) {
  vi.stubEnv('AWS_ENDPOINT_URL_ECR', endpoint);
  vi.stubEnv('AWS_ACCESS_KEY_ID', accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'fault-matrix-secret-access-key');
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  // No profile of this machine may stand in for the keys above.
  vi.stubEnv('AWS_CONFIG_FILE', join(home, 'no-config'));
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(home, 'no-credentials'));
}

function parseLines(lines: string[]): LogEntry[] {
  return lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogEntry);
}

/** The system-test fixtures a row runs on: fresh stand-ins per row, the file's HOME and built CLI. */
export interface FaultRowFixtures {
  startStandIns(options: StandInOptions): Promise<{ ecr: EcrStandIn; api: SecretsApiStandIn }>;
  home: string;
  cli: BuiltCli;
}

export async function runFaultRow(row: FaultRow, { startStandIns, home, cli }: FaultRowFixtures): Promise<RowResult> {
  const { ecr, api } = await startStandIns({
    ecr: { accountId: ACCOUNT, accessKeys: [GOOD_ACCESS_KEY], expiredAccessKeys: [EXPIRED_ACCESS_KEY] },
    api: { provisioningDelayMs: 50 },
  });
  let proxy: CountingProxy | undefined;
  const alongside: Promise<unknown>[] = [];
  const ctx: RowContext = { ecr, api, alongside: (work) => void alongside.push(work) };
  try {
    if (row.seed !== false) {
      useAws(ecr.url, GOOD_ACCESS_KEY, home);
      const seedApp = createApp({ config: baseConfig(api, row.seed ?? {}), version: 'test', logDestination: { write: () => undefined } });
      const seeded = await seedApp.runOnce();
      if (!seeded[0]?.ok) throw new Error(`seeding run failed: ${seeded[0]?.error?.message}`);
    }
    const setBefore = api.getSet(SECRET_SET);
    const before = { requests: api.requests.length, calls: ecr.calls.length, issued: ecr.issued.length };
    if (row.countEcrAtProxy) proxy = await startCountingProxy(ecr.url);
    const endpoint = proxy?.url ?? ecr.url;
    const config = { ...baseConfig(api, row.target ?? {}), ...row.config?.(ctx) };
    row.inject?.(ctx);

    const started = Date.now();
    const run = row.driver === 'cli' ? await runCli(cli, ecr, api, endpoint, config, row.accessKeyId, home) : await runApp(endpoint, config, row.accessKeyId, home);
    const elapsedMs = Date.now() - started;
    await Promise.all(alongside);

    const requests = api.requests.slice(before.requests);
    return {
      ...run,
      elapsedMs,
      requests,
      puts: requests.filter((r) => r.method === 'PUT'),
      ecrRequests: proxy ? proxy.count() : ecr.calls.length - before.calls,
      ecrCalls: ecr.calls.slice(before.calls),
      issued: ecr.issued.slice(before.issued),
      setBefore,
      setAfter: api.getSet(SECRET_SET),
    };
  } finally {
    vi.unstubAllEnvs();
    await proxy?.close();
  }
}

async function runApp(endpoint: string, config: Config, accessKeyId: string | null | undefined, home: string) {
  if (accessKeyId === null) throw new Error('rows without AWS credentials run through the cli driver');
  useAws(endpoint, accessKeyId ?? GOOD_ACCESS_KEY, home);
  const lines: string[] = [];
  // random() = 1: every backoff wait is its ceiling, so retry timing is predictable.
  const app = createApp({ config, version: 'test', logDestination: { write: (line) => void lines.push(line) }, random: () => 1 });
  const [outcome] = await app.runOnce();
  return {
    ok: outcome?.ok ?? false,
    retryable: outcome?.error?.retryable,
    errorMessage: outcome?.error?.message,
    entries: parseLines(lines),
    registry: app.metrics.registry,
  };
}

async function runCli(
  cli: BuiltCli,
  ecr: EcrStandIn,
  api: SecretsApiStandIn,
  endpoint: string,
  config: Config,
  accessKeyId: string | null | undefined,
  home: string,
) {
  const target = config.targets[0]!;
  const env = refresherEnv({
    ecr,
    api,
    home,
    extra: {
      AWS_ENDPOINT_URL_ECR: endpoint,
      AWS_ACCESS_KEY_ID: accessKeyId ?? GOOD_ACCESS_KEY,
      AWS_CONFIG_FILE: join(home, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
      PCC_API_URL: config.apiUrl,
      PCC_API_KEY: config.apiKey ?? '',
      PCC_SECRET_SET: target.name,
      PCC_SECRET_FORMAT: target.format,
      AWS_REGION: target.awsRegion,
      ...(target.pccRegion ? { PCC_REGION: target.pccRegion } : {}),
      ...(target.registryId ? { ECR_REGISTRY_ID: target.registryId } : {}),
      REQUEST_TIMEOUT: `${config.requestTimeoutMs}ms`,
      CONFIRM_TIMEOUT: `${config.confirmTimeoutMs}ms`,
      RETRY_INITIAL_DELAY: `${config.retryInitialDelayMs}ms`,
      RETRY_MAX_DELAY: `${config.retryMaxDelayMs}ms`,
    },
  });
  if (accessKeyId === null) {
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
  }
  const run = await cli.run(['--once'], { env, timeoutMs: 30_000 });
  const entries = parseLines([run.stdout]);
  const oneShot = entries.find((e) => e.msg === 'one-shot run finished');
  return {
    ok: run.code === 0,
    exitCode: run.code,
    errorMessage: run.stderr || undefined,
    entries,
    oneShotFailed: oneShot?.failed,
  };
}
