// scripts/supported-node.bash, as scripts/test, scripts/demo and the Lambda deploy script use it
// on a machine whose node is too old: Node 26 from .tools goes first on PATH and one line says
// so; the first time, it is fetched with `npm pack`. Here `node` and `npm` are stand-ins on a
// PATH of the test's own, so nothing is downloaded: the fake npm packs a tarball laid out like
// the registry's node-linux-<arch> package, whose bin/node only answers --version.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT } from '../support/root.js';

const SCRIPT = join(ROOT, 'scripts', 'supported-node.bash');
const NEWEST = /^NODE_VERSIONS=\(.* (\d+\.\d+\.\d+)\)$/m.exec(readFileSync(SCRIPT, 'utf8'))![1]!;
const MAJOR = NEWEST.split('.')[0]!;
const FLOOR = /^>=(\S+)$/.exec((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node)![1]!;

// The commands the script and the fakes use, linked into a folder of their own: /usr/bin would
// bring this machine's node and npm along.
const UTILITIES = ['bash', 'sh', 'sed', 'sort', 'head', 'mktemp', 'tar', 'gzip', 'date', 'dirname', 'uname', 'mkdir', 'mv', 'rm'];

let work: string;
let root: string;
let fakeBin: string;
let utilities: string;

function writeScript(path: string, body: string) {
  writeFileSync(path, `#!${join(utilities, 'sh')}\n${body}\n`);
  chmodSync(path, 0o755);
}

/** A `node` on PATH that reports `version`. */
function hostNode(version: string) {
  writeScript(join(fakeBin, 'node'), `[ "$1" = --version ] && echo v${version}`);
}

/** An `npm` whose `pack` writes a node-linux-<arch>-like tarball of `version` into the current folder. */
function npmThatPacks(version: string) {
  const layout = join(work, 'registry-package');
  mkdirSync(join(layout, 'package', 'bin'), { recursive: true });
  mkdirSync(join(layout, 'package', 'include', 'node'), { recursive: true });
  writeFileSync(join(layout, 'package', 'include', 'node', 'node.h'), '');
  writeFileSync(join(layout, 'package', 'LICENSE'), 'MIT\n');
  writeScript(join(layout, 'package', 'bin', 'node'), `[ "$1" = --version ] && echo v${version}`);
  writeScript(join(fakeBin, 'npm'), `[ "$1" = pack ] || exit 3\necho "$*" >> '${join(work, 'npm-calls')}'\ntar -czf node-package.tgz -C '${layout}' package`);
}

function useSupportedNode() {
  return spawnSync(join(utilities, 'bash'), ['-c', 'set -e; source "$0"; use_supported_node "$1"; command -v node; node --version', SCRIPT, root], {
    encoding: 'utf8',
    env: { PATH: `${fakeBin}:${utilities}`, HOME: work },
    timeout: 30_000,
  });
}

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'ecr-token-refresher-supported-node-'));
  root = join(work, 'project');
  fakeBin = join(work, 'bin');
  mkdirSync(root);
  mkdirSync(fakeBin);
  utilities = join(work, 'utilities');
  mkdirSync(utilities);
  for (const name of UTILITIES) {
    const found = spawnSync('sh', ['-c', 'command -v "$0"', name], { encoding: 'utf8' }).stdout.trim();
    if (!found) throw new Error(`${name} is not on PATH`);
    symlinkSync(found, join(utilities, name));
  }
  copyFileSync(join(ROOT, 'package.json'), join(root, 'package.json'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

describe('a script that needs a supported node', () => {
  it('keeps a node on PATH that package.json accepts, and says nothing', () => {
    hostNode(FLOOR);
    const run = useSupportedNode();
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`${join(fakeBin, 'node')}\nv${FLOOR}\n`);
    expect(existsSync(join(root, '.tools'))).toBe(false);
  });

  it(`fetches Node ${NEWEST} into .tools once when the node on PATH is too old, and runs on it`, () => {
    hostNode('20.20.2');
    npmThatPacks(NEWEST);
    const first = useSupportedNode();
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toMatch(
      new RegExp(`^Node 20\\.20\\.2 on PATH is too old \\(package\\.json needs >= ${FLOOR.replace(/\./g, '\\.')}\\); using Node ${NEWEST.replace(/\./g, '\\.')} from \\.tools/node${MAJOR}, fetching it from the npm registry \\.\\.\\. done in \\d+s\\n$`),
    );
    expect(first.stdout).toBe(`${join(root, '.tools', `node${MAJOR}`, 'bin', 'node')}\nv${NEWEST}\n`);
    expect(readFileSync(join(work, 'npm-calls'), 'utf8')).toMatch(new RegExp(`^pack .*node-linux-(x64|arm64)@${NEWEST.replace(/\./g, '\\.')}\\n$`));
    expect(readdirSync(join(root, '.tools', `node${MAJOR}`)).sort()).toEqual(['LICENSE', 'bin', 'include']);
    expect(readdirSync(join(root, '.tools'))).toEqual([`node${MAJOR}`]);

    const second = useSupportedNode();
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toBe(`Node 20.20.2 on PATH is too old (package.json needs >= ${FLOOR}); using Node ${NEWEST} from .tools/node${MAJOR}\n`);
    expect(second.stdout).toBe(`${join(root, '.tools', `node${MAJOR}`, 'bin', 'node')}\nv${NEWEST}\n`);
    expect(readFileSync(join(work, 'npm-calls'), 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('stops with the reason, leaving nothing half-installed, when the package holds another release', () => {
    hostNode('20.20.2');
    npmThatPacks('26.0.0');
    const run = useSupportedNode();
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(`fetching it from the npm registry ... failed:\n`);
    expect(run.stderr).toMatch(new RegExp(`node-linux-(x64|arm64)@${NEWEST.replace(/\./g, '\\.')} does not hold Node\\.js v${NEWEST.replace(/\./g, '\\.')}\\n$`));
    expect(readdirSync(join(root, '.tools'))).toEqual([]);
  });

  it('asks for Node.js and npm when there is no node at all', () => {
    const run = useSupportedNode();
    expect(run.status).not.toBe(0);
    expect(run.stderr).toBe(`Node.js and npm are needed on PATH: Node.js ${FLOOR} or newer, or any version whose npm can fetch Node.js ${NEWEST} into .tools\n`);
  });
});
