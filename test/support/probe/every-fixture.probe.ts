// Uses every system-test fixture and deliberately leaves things running (a
// daemon, a shell with a child of its own), then reports what it saw to the
// file named by FIXTURE_PROBE_REPORT, for the test that checks the cleanup.
import { writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import { systemTest } from '../system-test.js';
import { waitFor } from '../wait-for.js';

const report: Record<string, unknown> = {};

systemTest.afterAll(() => {
  writeFileSync(process.env.FIXTURE_PROBE_REPORT!, JSON.stringify(report));
});

systemTest('uses every fixture and leaves processes running', async ({ home, ecr, api, cli, cliEnv, processes, startStandIns }) => {
  report.home = home;
  const own = await startStandIns();
  report.urls = [ecr.url, api.url, own.ecr.url, own.api.url];
  const daemon = cli.start([], { env: cliEnv({ PCC_SECRET_SET: 'probe-set', REFRESH_SCHEDULE: '0 0 1 1 *' }) });
  await waitFor(() => daemon.logEntries().find((e) => e.msg === 'ecr-token-refresher started'), {
    what: `the daemon's start-up line (stderr: ${daemon.stderr().slice(-300)})`,
    timeoutMs: 15_000,
  });
  const shell = processes.start('sh', ['-c', 'sleep 300 & echo $!; wait'], { env: { PATH: process.env.PATH } });
  const grandchild = await waitFor(() => Number(shell.stdout().trim()) || undefined, { what: 'the background pid', timeoutMs: 5_000 });
  const hung = await cli.run(['--help'], { env: cliEnv(), timeoutMs: 15_000 });
  expect(hung.code).toBe(0);
  report.pids = [daemon.pid, shell.pid, grandchild];
});
