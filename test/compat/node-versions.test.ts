// The product must run on Node 20 and 22, and the container image ships the
// current LTS (24). Each runtime runs the built CLI for real: --version, and a
// --once refresh against the stand-ins that must leave a ready secret.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEcrStandIn, type EcrStandIn } from '../../stand-ins/ecr-stand-in.js';
import { startSecretsApiStandIn, type SecretsApiStandIn } from '../../stand-ins/secrets-api-stand-in.js';
import { ensureBuilt, ROOT } from '../support/ensure-built.js';
import { refresherEnv } from '../support/refresher-env.js';

const RUNTIMES: [string, string][] = [
  [`current (${process.version})`, process.execPath],
  ['22', join(ROOT, '.tools', 'node22', 'bin', 'node')],
  ['24', join(ROOT, '.tools', 'node24', 'bin', 'node')],
];

let ecr: EcrStandIn;
let api: SecretsApiStandIn;
let cli: string;
let home: string;

beforeAll(async () => {
  cli = await ensureBuilt();
  ecr = await startEcrStandIn();
  api = await startSecretsApiStandIn({ provisioningDelayMs: 50 });
  home = mkdtempSync(join(tmpdir(), 'ecr-token-refresher-compat-'));
});
afterAll(async () => {
  await ecr?.close();
  await api?.close();
  rmSync(home, { recursive: true, force: true });
});

function run(node: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(node, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe.each(RUNTIMES)('on Node %s', (label, node) => {
  it('prints the version', async () => {
    expect(existsSync(node), `${node} is missing: run scripts/install-test-tools (scripts/test does)`).toBe(true);
    const { version } = (await import('../../package.json', { with: { type: 'json' } })).default;
    const result = await run(node, ['--version'], { PATH: process.env.PATH });
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('refreshes a secret set once and exits 0', async () => {
    const secretSet = `compat-node-${label.split(' ')[0]}`;
    const result = await run(node, ['--once'], refresherEnv({ ecr, api, home, extra: { PCC_SECRET_SET: secretSet } }));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const set = api.getSet(secretSet);
    expect(set).toMatchObject({ type: 'imagePullSecret', status: 'ready' });
    expect(Buffer.from(set!.secretValue!, 'base64').toString()).toBe(`AWS:${ecr.issued.at(-1)!.password}`);
  });
});
