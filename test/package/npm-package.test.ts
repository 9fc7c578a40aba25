// The npm package as a user gets it: `npm pack` of the built tree, then installed with the
// registry unreachable (a loopback port nothing listens on, --offline, an empty cache and HOME),
// so the tarball is all there is: into an empty prefix, globally, and through npx. The installed
// command runs --version, --help and a --once refresh against the stand-ins from a folder outside
// the project, and `npm publish --dry-run` has nothing to warn about.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../support/ensure-built.js';
import { freePort } from '../support/free-port.js';
import { ROOT } from '../support/root.js';
import { runToExit } from '../support/run-to-exit.js';
import { systemTest } from '../support/system-test.js';

systemTest.override({ standInOptions: { api: { provisioningDelayMs: 50 } } });

interface PackedFile {
  path: string;
  size: number;
  mode: number;
}

const work = mkdtempSync(join(tmpdir(), 'ecr-token-refresher-package-'));
const home = join(work, 'home');
const local = join(work, 'local');
const global = join(work, 'global');
// The node running the suite goes first: npm, and the package's `#!/usr/bin/env node`, run on it.
const PATH = `${dirname(process.execPath)}${delimiter}${process.env.PATH}`;
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

let registry: string;
let tarball: string;
let packedFiles: PackedFile[];

/** npm with nothing of this machine's configuration, and no registry it could reach. */
function npm(args: string[], cwd = work): SpawnSyncReturns<string> {
  return spawnSync('npm', args, {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      PATH,
      HOME: home,
      npm_config_cache: join(work, 'npm-cache'),
      npm_config_registry: registry,
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
    },
  });
}

function expectSuccess(result: SpawnSyncReturns<string>) {
  expect(result.error).toBeUndefined();
  expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
}

beforeAll(async () => {
  await ensureBuilt();
  registry = `http://127.0.0.1:${await freePort()}/`;
  mkdirSync(home);
  // The build is current (ensureBuilt); --ignore-scripts keeps prepack from rebuilding dist/
  // under the feet of other test files.
  const pack = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
  expectSuccess(pack);
  const [packed] = JSON.parse(pack.stdout) as [{ filename: string; files: PackedFile[] }];
  tarball = join(work, packed.filename);
  packedFiles = packed.files;
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed tarball', () => {
  it('holds the two bundles, their licence notices, README, LICENSE and package.json, and nothing else', () => {
    expect(packedFiles.map((file) => file.path).sort()).toEqual([
      'LICENSE',
      'README.md',
      'dist/cli.js',
      'dist/cli.js.LEGAL.txt',
      'dist/lambda.js',
      'dist/lambda.js.LEGAL.txt',
      'package.json',
    ]);
    const cli = packedFiles.find((file) => file.path === 'dist/cli.js')!;
    expect((cli.mode & 0o111).toString(8), 'dist/cli.js is executable for everyone').toBe('111');
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004\s/);
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toContain('END OF TERMS AND CONDITIONS');
  });

  it('asks npm to fetch nothing: no dependencies of any kind and no install scripts', () => {
    const extract = join(work, 'extract');
    mkdirSync(extract);
    expectSuccess(spawnSync('tar', ['-xzf', tarball, '-C', extract], { encoding: 'utf8' }));
    const manifest = JSON.parse(readFileSync(join(extract, 'package', 'package.json'), 'utf8')) as Record<string, unknown>;
    for (const kind of ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies', 'bundledDependencies']) {
      expect(manifest[kind] ?? {}, kind).toEqual({});
    }
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) expect(manifest.scripts ?? {}, hook).not.toHaveProperty(hook);
    expect(manifest).toMatchObject({
      license: 'Apache-2.0',
      bin: { 'ecr-token-refresher': 'dist/cli.js' },
      exports: { './lambda': './dist/lambda.js' },
      engines: { node: expect.stringMatching(/^>=22\./) },
    });
    expect(readFileSync(join(extract, 'package', 'dist', 'cli.js'), 'utf8').split('\n', 1)[0]).toBe('#!/usr/bin/env node');
  });
});

describe('installed into an empty prefix with the registry unreachable', () => {
  const bin = join(local, 'node_modules', '.bin', 'ecr-token-refresher');

  beforeAll(() => {
    expectSuccess(npm(['install', '--offline', '--prefix', local, tarball]));
  }, 120_000);

  it('holds the package and nothing else', () => {
    expect(readdirSync(join(local, 'node_modules')).filter((name) => !name.startsWith('.'))).toEqual(['ecr-token-refresher']);
  });

  systemTest('prints its version and its usage through the command npm linked', async ({ processes }) => {
    const versionRun = await runToExit(processes, bin, ['--version'], { env: { PATH, HOME: home }, cwd: work, timeoutMs: 30_000 });
    expect(versionRun).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
    const help = await runToExit(processes, bin, ['--help'], { env: { PATH, HOME: home }, cwd: work, timeoutMs: 30_000 });
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/Usage: ecr-token-refresher \[--once\]/);
  });

  systemTest('refreshes a secret set once against the stand-ins and exits 0', async ({ processes, cliEnv, ecr, api }) => {
    const run = await runToExit(processes, bin, ['--once'], { env: cliEnv({ PATH, PCC_SECRET_SET: 'npm-package' }), cwd: work, timeoutMs: 30_000 });
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stderr).toBe('');
    const set = api.getSet('npm-package');
    expect(set).toMatchObject({ type: 'imagePullSecret', status: 'ready' });
    expect(Buffer.from(set!.secretValue!, 'base64').toString()).toBe(`AWS:${ecr.issued.at(-1)!.password}`);
    expect(run.stdout).not.toContain(ecr.issued.at(-1)!.password);
  });

  it('exports the AWS Lambda handler as ecr-token-refresher/lambda', () => {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', "const m = await import('ecr-token-refresher/lambda'); process.stdout.write(typeof m.handler)"], {
      cwd: local,
      encoding: 'utf8',
      env: { PATH, HOME: home },
      timeout: 30_000,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('function');
  });
});

describe('installed globally, or run through npx, with the registry unreachable', () => {
  systemTest('npm install -g puts an ecr-token-refresher command on PATH', async ({ processes }) => {
    expectSuccess(npm(['install', '--global', '--offline', '--prefix', global, tarball]));
    const run = await runToExit(processes, 'ecr-token-refresher', ['--version'], {
      env: { PATH: `${join(global, 'bin')}${delimiter}${PATH}`, HOME: home },
      cwd: work,
      timeoutMs: 30_000,
    });
    expect(run).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  systemTest('npx runs the command from the tarball', async ({ processes }) => {
    const run = await runToExit(processes, 'npx', ['--yes', '--offline', '--package', tarball, '--', 'ecr-token-refresher', '--version'], {
      env: { PATH, HOME: home, npm_config_cache: join(work, 'npx-cache'), npm_config_registry: registry, npm_config_update_notifier: 'false' },
      cwd: work,
      timeoutMs: 60_000,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`${version}\n`);
  });
});

describe('npm publish --dry-run', () => {
  it('publishes the same files and has nothing to warn about', () => {
    // A token for the unreachable registry stands in for `npm login`, whose absence npm would
    // warn about; a dry run sends nothing, and --offline spares it retrying the registry for a
    // minute to see whether the version is taken.
    const host = registry.replace(/^http:/, '');
    const run = npm(['publish', '--dry-run', '--offline', '--ignore-scripts', `--${host}:_authToken=dry-run-only`], ROOT);
    expectSuccess(run);
    expect(run.stdout.trim()).toBe(`+ ecr-token-refresher@${version}`);
    const lines = run.stderr.split('\n').filter((line) => line.trim() !== '');
    expect(lines.filter((line) => !line.startsWith('npm notice'))).toEqual([]);
    for (const file of packedFiles) expect(run.stderr).toContain(` ${file.path}\n`);
  });
});
