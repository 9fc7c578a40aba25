// The product runs on every supported Node major — 22, 24 and 26, the releases
// scripts/supported-node.bash pins, which scripts/install-test-tools puts in
// .tools/node<major> — and on the node running the suite. Each runtime runs the
// built CLI for real: --version, and a --once refresh against the stand-ins that
// must leave a ready secret and log no process warning (the AWS SDK warns on a
// Node it is about to drop; nothing here silences it).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { ROOT } from '../support/root.js';
import { systemTest } from '../support/system-test.js';

systemTest.override({ standInOptions: { api: { provisioningDelayMs: 50 } } });

/** The pinned releases, from the one file that names them. */
function pinnedNodeVersions(): string[] {
  const script = readFileSync(join(ROOT, 'scripts', 'supported-node.bash'), 'utf8');
  const list = /^NODE_VERSIONS=\(([^)]*)\)$/m.exec(script)?.[1];
  if (!list) throw new Error('scripts/supported-node.bash no longer has a NODE_VERSIONS=(...) line');
  return list.trim().split(/\s+/);
}

const PINNED = pinnedNodeVersions();

const MAJORS = PINNED.map((version) => version.split('.')[0]!);

const RUNTIMES: [string, string, string | undefined][] = [
  [`current (${process.version})`, process.execPath, undefined],
  ...MAJORS.map((major): [string, string, string] => [major, join(ROOT, '.tools', `node${major}`, 'bin', 'node'), major]),
];

describe('the supported Node majors', () => {
  systemTest('are 22, 24 and 26, each newer than package.json\'s engines floor', async () => {
    expect(MAJORS).toEqual(['22', '24', '26']);
    const { engines } = (await import('../../package.json', { with: { type: 'json' } })).default;
    const floor = /^>=(\d+\.\d+\.\d+)$/.exec(engines.node)![1]!;
    for (const version of PINNED) expect(version.localeCompare(floor, 'en', { numeric: true }), version).toBeGreaterThanOrEqual(0);
  });
});

describe.each(RUNTIMES)('on Node %s', (label, node, major) => {
  systemTest('prints the version', async ({ cli }) => {
    expect(existsSync(node), `${node} is missing: run scripts/install-test-tools (scripts/test does)`).toBe(true);
    const { version } = (await import('../../package.json', { with: { type: 'json' } })).default;
    const result = await cli.run(['--version'], { node, env: { PATH: process.env.PATH }, timeoutMs: 30_000 });
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n` });
    if (major) expect(execFileSync(node, ['--version'], { encoding: 'utf8' }), `${node} is not Node ${major}`).toMatch(new RegExp(`^v${major}\\.`));
  });

  systemTest('refreshes a secret set once and exits 0, with no process warning', async ({ cli, cliEnv, ecr, api }) => {
    expect(existsSync(node), `${node} is missing: run scripts/install-test-tools (scripts/test does)`).toBe(true);
    const secretSet = `compat-node-${label.split(' ')[0]}`;
    const result = await cli.run(['--once'], { node, env: cliEnv({ PCC_SECRET_SET: secretSet }), timeoutMs: 30_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const warnings = result.stdout.split('\n').filter((line) => line.includes('"process warning"') || line.includes('NodeVersionSupportWarning'));
    expect(warnings).toEqual([]);
    const set = api.getSet(secretSet);
    expect(set).toMatchObject({ type: 'imagePullSecret', status: 'ready' });
    expect(Buffer.from(set!.secretValue!, 'base64').toString()).toBe(`AWS:${ecr.issued.at(-1)!.password}`);
  });
});
