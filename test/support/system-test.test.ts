// The system-test fixtures clean up after themselves: a probe file that uses
// every one of them and leaves a daemon and a shell (with a child) running is
// run in a vitest of its own; once it has ended, its temp HOME must be gone,
// both stand-ins closed and every process it started dead.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProcessTracker } from './create-process-tracker.js';
import { ensureBuilt } from './ensure-built.js';
import { ROOT } from './root.js';
import { runToExit } from './run-to-exit.js';
import { TEMP_HOME_PREFIX } from './system-test.js';

const tracker = createProcessTracker();
const dir = mkdtempSync(join(tmpdir(), 'ecr-token-refresher-probe-'));
afterAll(async () => {
  await tracker.stopAll();
  rmSync(dir, { recursive: true, force: true });
});

// A zombie (state Z, waiting for a parent to reap it) has already died.
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function refusesConnections(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return false;
  } catch (error) {
    return /ECONNREFUSED/.test(String((error as { cause?: unknown }).cause));
  }
}

describe('system-test fixtures', () => {
  it('leave no temp HOME, no open stand-in and no process behind once the file ends', async () => {
    await ensureBuilt();
    const reportFile = join(dir, 'report.json');
    const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
    const run = await runToExit(tracker, process.execPath, [vitest, 'run', '--config', 'test/support/probe/vitest.config.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: dir, FIXTURE_PROBE_REPORT: reportFile },
      timeoutMs: 90_000,
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { home: string; urls: string[]; pids: number[] };

    expect(report.home.startsWith(TEMP_HOME_PREFIX)).toBe(true);
    expect(existsSync(report.home)).toBe(false);
    expect(report.urls).toHaveLength(4);
    for (const url of report.urls) expect(await refusesConnections(url), url).toBe(true);
    expect(report.pids).toHaveLength(3);
    await expect.poll(() => report.pids.filter(alive), { timeout: 5_000 }).toEqual([]);
  }, 120_000);
});
