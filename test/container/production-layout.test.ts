// Rebuilds the image's runtime stage without a container engine: package.json,
// package-lock.json and dist/ in an empty directory, `npm ci --omit=dev` there
// (what the Dockerfile's deps stage runs), then the CLI started exactly as the
// image's entrypoint starts it. Catches a runtime import of a dev dependency
// and a dist/ that needs anything outside itself.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
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
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  };
}

beforeAll(async () => {
  await ensureBuilt();
  mkdirSync(app, { recursive: true });
  mkdirSync(home, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) cpSync(join(ROOT, file), join(app, file));
  cpSync(join(ROOT, 'dist'), join(app, 'dist'), { recursive: true });
  const npm = spawnSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: app,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
    timeout: 240_000,
  });
  if (npm.status !== 0) throw new Error(`npm ci --omit=dev failed (exit ${npm.status}):\n${npm.stdout}${npm.stderr}`);
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the production layout (package files, dist/, npm ci --omit=dev)', () => {
  it('holds no dev dependencies', () => {
    for (const dev of ['typescript', 'vitest', 'tsx', 'aws-sdk-client-mock']) {
      expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false);
    }
    expect(existsSync(join(app, 'node_modules', 'prom-client'))).toBe(true);
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
