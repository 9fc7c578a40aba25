// The demo behind `scripts/demo`: starts the bundled ECR and secrets-API
// stand-ins, runs the real daemon (dist/cli.js) against them with two secret
// sets on one registry, and prints each refresh in plain words along with
// what /metrics and the stand-in hold. Runs until Ctrl-C, or `--for 60s`.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseDuration } from '../src/config/parse-duration.js';
import { startEcrStandIn } from '../stand-ins/ecr-stand-in.js';
import { startSecretsApiStandIn } from '../stand-ins/secrets-api-stand-in.js';

const forIndex = process.argv.indexOf('--for');
const runFor = forIndex > 0 ? parseDuration(process.argv[forIndex + 1] ?? '') : undefined;
const API_KEY = 'pk_demo_4f1d2c3b5a6e7f8091a2b3c4';

const ecr = await startEcrStandIn({ tokenLifetimeSeconds: 12 * 3600 });
const api = await startSecretsApiStandIn({ apiKey: API_KEY, provisioningDelayMs: 800 });
const dir = mkdtempSync(join(tmpdir(), 'ecr-token-refresher-demo-'));
const configFile = join(dir, 'config.yaml');
writeFileSync(
  configFile,
  [
    '# Two secret sets fed from one registry: one GetAuthorizationToken call serves both.',
    'schedule: "*/20 * * * * *"   # every 20 seconds, so the demo shows several refreshes',
    'awsRegion: us-east-1',
    'targets:',
    '  - secretSet: demo-ecr-pull          # new set: created as an image pull secret',
    '    registryId: "123456789012"',
    '    pccRegion: us-west',
    '  - secretSet: demo-ecr-credentials   # the username/password/registry triplet',
    '    format: triplet',
    '    registryId: "123456789012"',
    '',
  ].join('\n'),
);
writeFileSync(join(dir, 'api-key'), `${API_KEY}\n`, { mode: 0o600 });

say(`ECR stand-in:            ${ecr.url}`);
say(`secrets API stand-in:    ${api.url}`);
say(`config file:             ${configFile}`);

const daemon = spawn(process.execPath, ['dist/cli.js', '--config', configFile], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: {
    ...process.env,
    AWS_ENDPOINT_URL_ECR: ecr.url,
    AWS_ACCESS_KEY_ID: 'AKIADEMOEXAMPLE00001',
    AWS_SECRET_ACCESS_KEY: 'demo-secret-access-key-not-real',
    AWS_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    PCC_API_URL: api.url,
    PCC_API_KEY_FILE: join(dir, 'api-key'),
    METRICS_PORT: process.env.METRICS_PORT ?? '0',
    METRICS_HOST: '127.0.0.1',
    // The stand-ins are on loopback: never send the demo through a proxy set for the machine.
    NO_PROXY: ['127.0.0.1', 'localhost', process.env.NO_PROXY ?? process.env.no_proxy].filter(Boolean).join(','),
    LOG_LEVEL: 'info',
  },
});

let metricsUrl: string | undefined;
let refreshes = 0;
createInterface({ input: daemon.stdout! }).on('line', (line) => {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    say(line);
    return;
  }
  const time = String(entry.time ?? '').slice(11, 19);
  const msg = String(entry.msg);
  if (msg === 'ecr-token-refresher started') {
    metricsUrl = String(entry.metrics);
    say(`${time} daemon started; metrics at ${metricsUrl}`);
  } else if (msg === 'secret set refreshed and ready') {
    refreshes++;
    say(`${time} refreshed "${entry.secretSet}" (${entry.format}${entry.created ? ', created' : ''}); token expires ${entry.expiresAt}`);
    if (refreshes === 2) void showState();
  } else if (msg === 'refresh started' || msg === 'refresh finished') {
    say(`${time} ${msg} (cycle ${entry.cycle}, ${entry.trigger}${msg === 'refresh finished' ? `, ${entry.durationMs} ms` : ''})`);
  } else {
    say(`${time} ${entry.level}: ${msg}${entry.err ? ` — ${(entry.err as { message?: string }).message}` : ''}`);
  }
});

async function showState() {
  if (metricsUrl) {
    const text = await (await fetch(metricsUrl)).text();
    say('--- from /metrics:');
    for (const line of text.split('\n')) {
      if (/^ecr_token_refresher_(token_expiry_timestamp_seconds|last_success_timestamp_seconds|secret_ready)\{/.test(line)) say(`    ${line}`);
    }
  }
  say(`--- ECR calls so far: ${ecr.calls.length} (two sets, one registry)`);
  for (const name of ['demo-ecr-pull', 'demo-ecr-credentials']) {
    const set = api.getSet(name);
    if (set) say(`--- stand-in holds "${name}": ${set.type}, ${set.status}, region ${set.region}`);
  }
  say(runFor ? `--- running for ${runFor / 1000}s in all` : '--- press Ctrl-C to stop');
}

let finishing = false;
async function finish(code: number) {
  if (finishing) return;
  finishing = true;
  daemon.kill('SIGTERM');
  const exitCode = await new Promise<number | null>((resolve) =>
    daemon.exitCode !== null ? resolve(daemon.exitCode) : daemon.once('exit', (c) => resolve(c)),
  );
  await ecr.close();
  await api.close();
  rmSync(dir, { recursive: true, force: true });
  say(`daemon exited with code ${exitCode}; ${refreshes} refreshes confirmed`);
  process.exit(code || (exitCode ?? 1) || (refreshes > 0 ? 0 : 1));
}

daemon.once('exit', (code) => {
  if (!finishing) {
    say(`daemon exited unexpectedly with code ${code}`);
    void finish(1);
  }
});
process.once('SIGINT', () => void finish(0));
process.once('SIGTERM', () => void finish(0));
if (runFor) setTimeout(() => void finish(0), runFor).unref();

function say(text: string) {
  process.stdout.write(`${text}\n`);
}
