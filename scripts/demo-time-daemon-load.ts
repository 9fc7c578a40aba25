// How long the daemon takes from spawn to reading its config (almost all of
// it is loading modules), measured by running `dist/cli.js --version` once.
// The demo anchors its "every 20 s" schedule on that, and the run warms the
// file cache for the real start too.
import { spawn } from 'node:child_process';

export function timeDaemonLoad(): Promise<number> {
  const started = Date.now();
  return new Promise((resolve) => {
    const probe = spawn(process.execPath, ['dist/cli.js', '--version'], { stdio: 'ignore' });
    probe.once('error', () => resolve(0));
    probe.once('exit', () => resolve(Date.now() - started));
  });
}
