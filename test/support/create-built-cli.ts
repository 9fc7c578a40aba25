// The built CLI (`node dist/cli.js`) as tests run it: to completion, or as a
// long-running daemon, always under a process tracker so nothing outlives the
// test file. The environment is always a parameter: the test runner's own
// never leaks in.
import type { ProcessTracker, TrackedProcess } from './create-process-tracker.js';
import { ROOT } from './root.js';
import { runToExit, type CliRun } from './run-to-exit.js';

export interface CliOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** The node binary to run it with (another Node version); this process's by default. */
  node?: string;
}

export interface BuiltCli {
  /** The path of dist/cli.js. */
  path: string;
  /** Runs the CLI to exit (killed after timeoutMs, 15 s by default). */
  run(args: string[], options: CliOptions & { timeoutMs?: number }): Promise<CliRun>;
  /** Starts the CLI and returns at once; the tracker stops it at the latest when the file ends. */
  start(args: string[], options: CliOptions): TrackedProcess;
}

export function createBuiltCli(path: string, tracker: ProcessTracker): BuiltCli {
  return {
    path,
    run: (args, { node = process.execPath, cwd = ROOT, ...options }) => runToExit(tracker, node, [path, ...args], { cwd, ...options }),
    start: (args, { node = process.execPath, cwd = ROOT, env }) => tracker.start(node, [path, ...args], { cwd, env }),
  };
}
