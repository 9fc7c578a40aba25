// The product must run on Node 20 and 22, and the container image ships the
// current LTS (24). Each runtime runs the built CLI for real: --version, and a
// --once refresh against the stand-ins that must leave a ready secret.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { ROOT } from '../support/root.js';
import { systemTest } from '../support/system-test.js';

systemTest.override({ standInOptions: { api: { provisioningDelayMs: 50 } } });

const RUNTIMES: [string, string][] = [
  [`current (${process.version})`, process.execPath],
  ['22', join(ROOT, '.tools', 'node22', 'bin', 'node')],
  ['24', join(ROOT, '.tools', 'node24', 'bin', 'node')],
];

describe.each(RUNTIMES)('on Node %s', (label, node) => {
  systemTest('prints the version', async ({ cli }) => {
    expect(existsSync(node), `${node} is missing: run scripts/install-test-tools (scripts/test does)`).toBe(true);
    const { version } = (await import('../../package.json', { with: { type: 'json' } })).default;
    const result = await cli.run(['--version'], { node, env: { PATH: process.env.PATH }, timeoutMs: 30_000 });
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  systemTest('refreshes a secret set once and exits 0', async ({ cli, cliEnv, ecr, api }) => {
    const secretSet = `compat-node-${label.split(' ')[0]}`;
    const result = await cli.run(['--once'], { node, env: cliEnv({ PCC_SECRET_SET: secretSet }), timeoutMs: 30_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const set = api.getSet(secretSet);
    expect(set).toMatchObject({ type: 'imagePullSecret', status: 'ready' });
    expect(Buffer.from(set!.secretValue!, 'base64').toString()).toBe(`AWS:${ecr.issued.at(-1)!.password}`);
  });
});
