// scripts/install-test-tools as a person sees it: one line per tool, the noise of package
// managers and compilers kept in .tools/logs and shown only for a group that failed, every
// group run even after a failure, a non-zero exit naming the failed group, the total time, and
// no colour codes when the output is not a terminal.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCommand } from '../support/kube/run-command.js';
import { ROOT } from '../support/root.js';

const TOOL_LINE = /^[\w.+-]+ v?[\w.+~:-]+: (already there|installed in \d+s)$/;
const ANSI = /\u001b\[/;

let repo: string | undefined;
afterEach(() => {
  if (repo) rmSync(repo, { recursive: true, force: true });
  repo = undefined;
});

/** A checkout holding the real driver and helper library with the given tool-group scripts. */
function fakeRepo(groups: Record<string, string>, executable = Object.keys(groups)): string {
  repo = mkdtempSync(join(tmpdir(), 'install-test-tools-'));
  mkdirSync(join(repo, 'scripts', 'test-tools'), { recursive: true });
  copyFileSync(join(ROOT, 'scripts', 'install-test-tools'), join(repo, 'scripts', 'install-test-tools'));
  copyFileSync(join(ROOT, 'scripts', 'test-tools', 'lib.bash'), join(repo, 'scripts', 'test-tools', 'lib.bash'));
  for (const [name, body] of Object.entries(groups)) {
    const file = join(repo, 'scripts', 'test-tools', name);
    writeFileSync(file, `#!/usr/bin/env bash\nset -euo pipefail\nsource "$(dirname "\${BASH_SOURCE[0]}")/lib.bash"\n${body}\n`);
    chmodSync(file, executable.includes(name) ? 0o755 : 0o644);
  }
  return repo;
}

const NOISY_OK = `tool_started\nquietly "fetch alpha" sh -c 'echo "go: downloading example.com/alpha v1.0.0"'\ntool_installed alpha v1.0.0`;
const FAILING = `quietly "build beta" sh -c 'echo "compiler: beta.go:3: boom"; exit 3'\ntool_installed beta v2.0.0`;
const WARM = 'tool_there gamma 3.1.4';

describe('scripts/install-test-tools', () => {
  it('runs the groups in name order and prints one line per tool and the total time, nothing else', async () => {
    const dir = fakeRepo({ 'b-gamma.sh': WARM, 'a-alpha.sh': NOISY_OK, 'c-skipped.sh': 'tool_there skipped 0' }, ['a-alpha.sh', 'b-gamma.sh']);
    const result = await runCommand(join(dir, 'scripts', 'install-test-tools'), [], { env: { ...process.env, NO_COLOR: '' } });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toEqual([expect.stringMatching(/^alpha v1\.0\.0: installed in \d+s$/), 'gamma 3.1.4: already there', expect.stringMatching(/^test tools: ready in \d+s$/)]);
    expect(result.stdout).not.toMatch(ANSI);
    // The noise is kept for later, in the group's log.
    expect(readFileSync(join(dir, '.tools', 'logs', 'a-alpha.log'), 'utf8')).toContain('go: downloading example.com/alpha v1.0.0');
  });

  it('shows a failed group its log and reason, still runs the others, and exits non-zero naming it', async () => {
    const dir = fakeRepo({ 'a-alpha.sh': NOISY_OK, 'b-beta.sh': FAILING, 'c-gamma.sh': WARM });
    const result = await runCommand(join(dir, 'scripts', 'install-test-tools'), []);
    expect(result.code).toBe(1);
    expect(result.stdout.trimEnd().split('\n')).toEqual([expect.stringMatching(/^alpha v1\.0\.0: installed/), 'gamma 3.1.4: already there']);
    expect(result.stderr).toContain('compiler: beta.go:3: boom');
    expect(result.stderr).toContain(`failed: build beta (full log: ${join(dir, '.tools', 'logs', 'b-beta.log')})`);
    expect(result.stderr).toMatch(/test tools: FAILED b-beta \(after \d+s\)/);
    expect(result.stderr).not.toContain('go: downloading');
    expect(result.stderr).not.toMatch(ANSI);
  });

  it('colours its summary on a terminal only, and never with NO_COLOR set', async () => {
    const dir = fakeRepo({ 'a-gamma.sh': WARM });
    const driver = join(dir, 'scripts', 'install-test-tools');
    // script(1) gives the driver a pseudo-terminal as stdout, as an interactive shell would.
    const onTerminal = await runCommand('script', ['-qec', driver, '/dev/null'], { env: { ...process.env, NO_COLOR: '' } });
    expect(onTerminal.stdout).toMatch(/\u001b\[32mtest tools: ready in \d+s\u001b\[0m/);
    const noColor = await runCommand('script', ['-qec', driver, '/dev/null'], { env: { ...process.env, NO_COLOR: '1' } });
    expect(noColor.stdout).toContain('test tools: ready in');
    expect(noColor.stdout).not.toMatch(ANSI);
  });

  it('gives every group TOOLS and BIN as absolute paths of .tools and .tools/bin', async () => {
    const dir = fakeRepo({ 'a.sh': 'echo "TOOLS=$TOOLS BIN=$BIN PWD=$PWD"' });
    const result = await runCommand(join(dir, 'scripts', 'install-test-tools'), []);
    expect(result.stdout.split('\n')[0]).toBe(`TOOLS=${join(dir, '.tools')} BIN=${join(dir, '.tools', 'bin')} PWD=${dir}`);
  });

  it('finds every tool of this checkout already there on a warm run, quietly', async () => {
    const result = await runCommand(join(ROOT, 'scripts', 'install-test-tools'), [], { timeoutMs: 120_000 });
    expect(result, result.stderr).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^test tools: ready in \d+s$/);
    for (const line of lines.slice(0, -1)) expect(line).toMatch(TOOL_LINE);
    expect(lines.map((line) => line.split(' ')[0])).toEqual(
      expect.arrayContaining(['helm', 'kubectl', 'helm-unittest', 'kube-apiserver', 'etcd', 'node', 'moto', 'prometheus']),
    );
    expect(result.stdout).not.toMatch(ANSI);
  }, 120_000);
});
