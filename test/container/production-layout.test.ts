// The image's runtime layout without a container engine: package.json and the
// one-file bundle dist/cli.js in an empty directory outside the repository (no
// node_modules anywhere above it), started exactly as the image's entrypoint
// starts it, on this machine's Node. Catches a bundle that still needs a file
// or package from outside itself.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEcrStandIn, type EcrStandIn } from '../../stand-ins/ecr-stand-in.js';
import { startSecretsApiStandIn, type SecretsApiStandIn } from '../../stand-ins/secrets-api-stand-in.js';
import { ensureBuilt, ROOT } from '../support/ensure-built.js';

const work = mkdtempSync(join(tmpdir(), 'production-layout-'));
const app = join(work, 'app');
const home = join(work, 'home');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/cli.js ...` in the layout, asynchronously: the stand-ins live in this process. */
function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/cli.js', ...args], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Only what the image sets, plus a HOME of our own so no ~/.aws profile leaks in. */
function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    NODE_ENV: 'production',
    ...extra,
  };
}

beforeAll(async () => {
  await ensureBuilt();
  mkdirSync(app, { recursive: true });
  mkdirSync(home, { recursive: true });
  mkdirSync(join(app, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(app, 'package.json'));
  cpSync(join(ROOT, 'dist', 'cli.js'), join(app, 'dist', 'cli.js'));
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the production layout (package.json and the bundle, no node_modules)', () => {
  it('is two files, with no node_modules in it or above it', () => {
    expect(readdirSync(app).sort()).toEqual(['dist', 'package.json']);
    expect(readdirSync(join(app, 'dist'))).toEqual(['cli.js']);
    for (let dir = app; dir !== '/'; dir = join(dir, '..')) expect(existsSync(join(dir, 'node_modules')), dir).toBe(false);
  });

  it('prints the usage with --help and exits 0', async () => {
    const run = await runCli(['--help'], baseEnv());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Usage: ecr-token-refresher \[--once\]/);
  });

  describe('--once against the local stand-ins', () => {
    let ecr: EcrStandIn;
    let api: SecretsApiStandIn;

    beforeAll(async () => {
      ecr = await startEcrStandIn();
      api = await startSecretsApiStandIn();
    });
    afterAll(async () => {
      await Promise.all([ecr?.close(), api?.close()]);
    });

    it('fills the secret set, sees it ready and exits 0', async () => {
      const run = await runCli(
        ['--once'],
        baseEnv({
          AWS_ENDPOINT_URL_ECR: ecr.url,
          AWS_ACCESS_KEY_ID: 'AKIALAYOUTTESTEXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'layout-test-secret-access-key',
          AWS_REGION: 'us-east-1',
          AWS_EC2_METADATA_DISABLED: 'true',
          PCC_API_URL: api.url,
          PCC_API_KEY: api.apiKey,
          PCC_SECRET_SET: 'ecr-pull',
          METRICS_HOST: '127.0.0.1',
          METRICS_PORT: '0',
        }),
      );
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);

      const set = api.getSet('ecr-pull');
      expect(set?.status).toBe('ready');
      expect(set?.type).toBe('imagePullSecret');
      expect(ecr.issued).toHaveLength(1);
      const token = ecr.issued[0]!;
      expect(set?.secretValue).toBe(token.authorizationToken);
      expect(run.stdout + run.stderr).not.toContain(token.password);
      expect(run.stdout + run.stderr).not.toContain(api.apiKey);
    });
  });
});
