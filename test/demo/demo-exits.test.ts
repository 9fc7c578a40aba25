// Every way out of `scripts/demo` is clean: exit code, a one-line summary, no
// stack trace or unhandled rejection, the daemon gone and the temp dir (with
// the demo API key file) removed.
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../support/ensure-built.js';
import { createDemoTmp, startDemo, type DemoExit, type RunningDemo } from './support/start-demo.js';

let demo: RunningDemo | undefined;
const tmp = createDemoTmp();
beforeAll(async () => {
  await ensureBuilt();
});
afterAll(() => tmp.dispose());
afterEach(() => {
  demo?.dispose();
  demo = undefined;
});

function expectNoCrash(exit: DemoExit) {
  const all = exit.stdout + exit.stderr;
  expect(all).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/); // a stack frame
  expect(all).not.toMatch(/Unhandled|TypeError|fetch failed|ERR_UNHANDLED_REJECTION/);
}

async function expectDaemonGone(stdout: string) {
  const metrics = /daemon started; metrics at (\S+)/.exec(stdout)?.[1];
  if (metrics) await expect(fetch(metrics)).rejects.toThrow();
}

async function stopWithCtrlC(at: RegExp, delayMs = 0) {
  demo = startDemo([], { tmp: tmp.path });
  await demo.waitForLine(at);
  if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
  demo.pressCtrlC();
  const exit = await demo.exited;
  expect(exit.code, exit.stdout + exit.stderr).toBe(0);
  expect(exit.stdout).toMatch(/\ndemo stopped \(Ctrl-C, SIGINT\) after \d+ s: \d+ refreshes confirmed, \d+ ECR calls; .*removed \S+\n$/);
  expect(exit.stderr).toBe('');
  expectNoCrash(exit);
  expect(demo.leftBehind()).toEqual([]);
  await expectDaemonGone(exit.stdout);
  return exit;
}

describe('scripts/demo stopped with Ctrl-C', () => {
  it('before the daemon is up', async () => {
    const exit = await stopWithCtrlC(/^config file: /m);
    expect(exit.stdout).not.toContain('refreshed "');
  });

  it('while the first refresh runs', async () => {
    await stopWithCtrlC(/refresh started \(cycle 1, startup\)/);
  });

  it('just after the first refresh, while it reads /metrics', async () => {
    const exit = await stopWithCtrlC(/refreshed "demo-ecr-credentials"/);
    expect(exit.stdout).toMatch(/2 refreshes confirmed/);
  });

  it('two seconds after the first refresh', async () => {
    await stopWithCtrlC(/refresh finished \(cycle 1/, 2000);
  });
});

describe('scripts/demo ends cleanly', () => {
  it('on SIGTERM', async () => {
    demo = startDemo([], { tmp: tmp.path });
    await demo.waitForLine(/refresh finished \(cycle 1/);
    demo.kill('SIGTERM');
    const exit = await demo.exited;
    expect(exit.code).toBe(0);
    expect(exit.stdout).toMatch(/\ndemo stopped \(SIGTERM\) after \d+ s: 2 refreshes confirmed, 1 ECR calls; daemon exited with code 0; removed /);
    expectNoCrash(exit);
    expect(demo.leftBehind()).toEqual([]);
    await expectDaemonGone(exit.stdout);
  });

  it('when its output is closed, as by `| head -n 3`', async () => {
    demo = startDemo([], { tmp: tmp.path });
    await demo.waitForLine(/^config file: /m);
    demo.closeStdout();
    const exit = await demo.exited;
    expect(exit.code).toBe(0);
    expect(exit.stderr).toMatch(/^demo stopped \(output closed\) after \d+ s: .*removed \S+\n$/);
    expectNoCrash(exit);
    expect(demo.leftBehind()).toEqual([]);
  });

  it('after --for, with the refreshes it confirmed', async () => {
    demo = startDemo(['--for', '12s'], { tmp: tmp.path });
    const exit = await demo.exited;
    expect(exit.code).toBe(0);
    expect(exit.stdout).toMatch(/--- running for 12 s in all/);
    expect(exit.stdout).toMatch(/\ndemo stopped \(--for 12s\) after \d+ s: 2 refreshes confirmed, 1 ECR calls; daemon exited with code 0; removed /);
    expectNoCrash(exit);
    expect(demo.leftBehind()).toEqual([]);
  });
});

describe('scripts/demo when the daemon dies', () => {
  it('exits 1, says so, and still cleans up', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as { port: number };
      demo = startDemo([], { tmp: tmp.path, env: { METRICS_PORT: String(port) } });
      const exit = await demo.exited;
      expect(exit.code).toBe(1);
      expect(exit.stdout).toMatch(/fatal: cannot listen on 127\.0\.0\.1:\d+; set METRICS_PORT to a free port/);
      expect(exit.stdout).toMatch(/\ndaemon exited with code 3 by itself\ndemo ended after \d+ s: 0 refreshes confirmed, 0 ECR calls; daemon exited with code 3; removed \S+\n$/);
      expectNoCrash(exit);
      expect(demo.leftBehind()).toEqual([]);
    } finally {
      taken.close();
    }
  });
});

describe('scripts/demo refuses bad usage before starting anything', () => {
  it.each([
    [['--for', '60'], /^demo: --for 60: give a unit, like --for 60s or --for 60m\n/],
    [['--for'], /^demo: --for needs a duration with a unit/],
    [['--for', 'soon'], /^demo: --for soon: use a whole number with a unit/],
    [['--verbose'], /^demo: unknown option "--verbose"; the demo takes only --for DURATION and --help\n/],
  ])('%j exits 2 with one clear line and the usage', async (args, message) => {
    demo = startDemo(args, { tmp: tmp.path });
    const exit = await demo.exited;
    expect(exit).toMatchObject({ code: 2, stdout: '' });
    expect(exit.stderr).toMatch(message);
    expect(exit.stderr).toContain('Usage: scripts/demo [--for DURATION]');
    expectNoCrash(exit);
    expect(demo.leftBehind()).toEqual([]);
  });

  it('--help prints the usage and exits 0', async () => {
    demo = startDemo(['--help'], { tmp: tmp.path });
    const exit = await demo.exited;
    expect(exit).toMatchObject({ code: 0, stderr: '' });
    expect(exit.stdout).toMatch(/^Usage: scripts\/demo \[--for DURATION\]\n[\s\S]*until Ctrl-C/);
    expect(demo.leftBehind()).toEqual([]);
  });
});
