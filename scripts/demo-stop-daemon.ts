// Stops the demo's daemon the way an operator would (SIGTERM, so it drains the
// refresh in flight) and, should it hang, kills it after a deadline.
import type { ChildProcess } from 'node:child_process';

const DRAIN_DEADLINE_MS = 15_000;

export async function stopDaemon(daemon: ChildProcess): Promise<number | null> {
  if (daemon.exitCode !== null || daemon.signalCode !== null) return daemon.exitCode;
  const exited = new Promise<number | null>((resolve) => daemon.once('exit', (code) => resolve(code)));
  daemon.kill('SIGTERM');
  const timer = setTimeout(() => daemon.kill('SIGKILL'), DRAIN_DEADLINE_MS);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}
