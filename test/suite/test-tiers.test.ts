// The split of the suite cannot rot: every test file runs in exactly one of the
// two projects of vitest.config.ts, and no file of the `unit` project reaches,
// through its imports, a child process or a fixture that needs tools, dist/ or
// spawned servers. A file that does belongs in `system` (see test-tiers.ts).
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createVitest } from 'vitest/node';
import { ROOT } from '../support/root.js';
import { importClosure } from './local-imports.js';

/** Node built-ins that start processes or threads. */
const SPAWNING_BUILTINS = /^(node:)?(child_process|cluster|worker_threads)$/;

/** The fixtures of system tests: the built CLI, spawned daemons and servers, tools from .tools. */
const SYSTEM_FIXTURES = [
  'test/support/system-test.ts',
  'test/support/ensure-built.ts',
  'test/support/create-built-cli.ts',
  'test/support/create-process-tracker.ts',
  'test/support/run-to-exit.ts',
  'test/support/find-tool.ts',
  'test/support/start-moto.ts',
  'test/support/start-prometheus.ts',
  'test/support/start-pushgateway.ts',
  'test/support/kube/',
  'test/demo/support/start-demo.ts',
  'test/container/support/',
  'test/lambda/support/package-function.ts',
  'test/lambda/support/start-lambda-emulator.ts',
];

/** Why a test file cannot run in the unit project, or nothing when it can. */
function systemReasons(file: string): string[] {
  const closure = importClosure(ROOT, file);
  const spawning = closure.packages.filter((p) => SPAWNING_BUILTINS.test(p.specifier)).map((p) => `${p.from} imports ${p.specifier}`);
  const fixtures = closure.files.filter((f) => SYSTEM_FIXTURES.some((fixture) => f.startsWith(fixture))).map((f) => `reaches ${f}`);
  return [...new Set([...spawning, ...fixtures])];
}

function testFilesOnDisk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFilesOnDisk(path);
    return entry.name.endsWith('.test.ts') ? [relative(ROOT, path)] : [];
  });
}

async function filesByProject(): Promise<Record<string, string[]>> {
  const vitest = await createVitest('test', { watch: false, config: join(ROOT, 'vitest.config.ts'), root: ROOT });
  try {
    const byProject: Record<string, string[]> = {};
    for (const spec of await vitest.globTestSpecifications()) {
      (byProject[spec.project.name] ??= []).push(relative(ROOT, spec.moduleId));
    }
    for (const files of Object.values(byProject)) files.sort();
    return byProject;
  } finally {
    await vitest.close();
  }
}

describe('the two tiers of the suite', () => {
  it('run every test file on disk exactly once between them', async () => {
    const { unit = [], system = [], ...others } = await filesByProject();
    expect(Object.keys(others)).toEqual([]);
    expect(unit.filter((file) => system.includes(file))).toEqual([]);
    expect([...unit, ...system].sort()).toEqual(testFilesOnDisk(join(ROOT, 'test')).sort());
    expect(unit.length).toBeGreaterThan(0);
    expect(system.length).toBeGreaterThan(0);
  });

  it('keep child processes and system fixtures out of every unit test file', async () => {
    const { unit = [] } = await filesByProject();
    const offenders = Object.fromEntries(
      unit.map((file) => [file, systemReasons(file)] as const).filter(([, reasons]) => reasons.length > 0),
    );
    expect(offenders).toEqual({});
  });

  it('see a system test file for what it is, through the fixtures it imports', () => {
    // The check above can fail: these files reach a spawned CLI or a tool by their imports alone.
    expect(systemReasons('test/faults/crash-restart.test.ts')).toEqual(
      expect.arrayContaining(['reaches test/support/system-test.ts', 'test/support/create-process-tracker.ts imports node:child_process']),
    );
    expect(systemReasons('test/chart/helm-chart.test.ts')).toEqual(expect.arrayContaining(['reaches test/support/find-tool.ts']));
    expect(systemReasons('test/kubernetes/lease/decide-lease.test.ts')).toEqual([]);
  });
});
