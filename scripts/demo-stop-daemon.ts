// Stops the demo's daemon the way an operator would (SIGTERM, so it drains the
// refresh in flight) and, should it hang, kills it after a deadline.
import type { ChildProcess } from 'node:child_process';

const DRAIN_DEADLINE_MS = 15_000;

/** How the daemon ended, in the words of the demo's summary. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (code !== null) return `exited with code ${code}`;
  // Ended by SIGTERM itself: it came while the daemon was loading, before it had its handlers.
  return signal === 'SIGTERM' ? 'ended by SIGTERM before it was up' : `ended by ${signal}`;
}

export async function stopDaemon(daemon: ChildProcess): Promise<string> {
  if (daemon.exitCode !== null || daemon.signalCode !== null) return describeExit(daemon.exitCode, daemon.signalCode);
  const exited = new Promise<string>((resolve) => daemon.once('exit', (code, signal) => resolve(describeExit(code, signal))));
  daemon.kill('SIGTERM');
  const timer = setTimeout(() => daemon.kill('SIGKILL'), DRAIN_DEADLINE_MS);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}
