// Runs a program to completion under a process tracker and returns its exit
// code and output. A run that does not end within the timeout is killed (its
// whole process group) and reported as such, so a configuration the CLI
// wrongly accepts (and starts a daemon on) fails fast instead of hanging.
import type { ProcessTracker } from './create-process-tracker.js';

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
}

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

export async function runToExit(tracker: ProcessTracker, command: string, args: string[], options: RunOptions): Promise<CliRun> {
  const started = Date.now();
  const run = tracker.start(command, args, { env: options.env, cwd: options.cwd });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void run.stop(0);
  }, options.timeoutMs ?? 15_000);
  const { code, signal } = await run.exited;
  clearTimeout(timer);
  // Anything the program left running in its group goes with it.
  await run.stop(0);
  return { code, signal, stdout: run.stdout(), stderr: run.stderr(), durationMs: Date.now() - started, timedOut };
}
