// The built CLI on a supported Node, as a user runs it with `2>&1 | jq`: stdout
// and stderr in one pipe, with no variable that silences warnings. Every line
// must parse as JSON, and the AWS SDK has no Node-version warning to give.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEcrStandIn, type EcrStandIn } from '../../stand-ins/ecr-stand-in.js';
import { startSecretsApiStandIn, type SecretsApiStandIn } from '../../stand-ins/secrets-api-stand-in.js';
import { ensureBuilt } from '../support/ensure-built.js';
import { refresherEnv } from '../support/refresher-env.js';

let ecr: EcrStandIn;
let api: SecretsApiStandIn;
let cli: string;
let home: string;

beforeAll(async () => {
  cli = await ensureBuilt();
  ecr = await startEcrStandIn();
  api = await startSecretsApiStandIn({ provisioningDelayMs: 50 });
  home = mkdtempSync(join(tmpdir(), 'ecr-token-refresher-log-'));
});
afterAll(async () => {
  await ecr?.close();
  await api?.close();
  rmSync(home, { recursive: true, force: true });
});

/** Runs `node dist/cli.js --once 2>&1` and returns the merged output. */
function runMerged(extra: Record<string, string>) {
  const env = refresherEnv({ ecr, api, home, extra: { PCC_SECRET_SET: 'log-check', ECR_REGISTRY_ID: '123456789012', ...extra } });
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn('/bin/sh', ['-c', 'exec "$0" "$@" 2>&1', process.execPath, cli, '--once'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function parseLines(output: string) {
  const lines = output.trimEnd().split('\n');
  return lines.map((line) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`not a JSON line: ${line}\n--- whole output:\n${output}`);
    }
  });
}

describe('log output on a supported Node', () => {
  it('runs on a Node that package.json accepts', async () => {
    const { engines } = (await import('../../package.json', { with: { type: 'json' } })).default;
    const floor = /^>=(\d+\.\d+\.\d+)$/.exec(engines.node)![1]!;
    // A numeric collation compares 22.9.0 < 22.19.0, as versions do.
    const order = process.versions.node.localeCompare(floor, 'en', { numeric: true });
    expect(order, `Node ${process.versions.node} is older than ${floor}: run the suite with scripts/test, which brings a newer one`).toBeGreaterThanOrEqual(0);
  });

  it('is JSON on every line, with no process warning: the AWS SDK supports this Node', async () => {
    const { code, output } = await runMerged({});
    expect(code).toBe(0);
    const entries = parseLines(output);
    expect(entries.filter((e) => e.msg === 'process warning')).toEqual([]);
    expect(output).not.toContain('NodeVersionSupportWarning');
    expect(entries.some((e) => e.msg === 'secret set refreshed and ready')).toBe(true);
  });

  it('logs a failed refresh with the error class and code, and no empty stack', async () => {
    const { code, output } = await runMerged({ PCC_API_KEY: 'pk_wrong_key_for_log_check' });
    expect(code).toBe(1);
    const failure = parseLines(output).find((e) => e.msg === 'refresh failed with a permanent error; not retrying');
    expect(failure, output).toBeDefined();
    expect(failure!.err).toMatchObject({ type: 'RefreshError', code: 'ERR_REFRESH', reason: 'unauthorized', retryable: false });
    expect(failure!.err).not.toHaveProperty('stack');
    expect(output).not.toContain('"stack":""');
    expect(output).not.toContain('"type":"Object"');
  });

  it('names the endpoint it could not reach', async () => {
    const { output } = await runMerged({ PCC_API_URL: 'http://127.0.0.1:1/v1', RETRY_INITIAL_DELAY: '50ms', RETRY_MAX_DELAY: '100ms' });
    const failure = parseLines(output).find((e) => String(e.msg).startsWith('refresh failed'));
    expect(JSON.stringify(failure?.err)).toContain('"endpoint":"127.0.0.1:1"');
  });
});
