// Runs a command to completion under GNU time, for its wall time (measured
// here, from spawn to exit), peak resident set (time's %M: the largest
// single process of the command, in KiB) and CPU time (user + system).
import { runCommand } from './run-command.js';

export const GNU_TIME = '/usr/bin/time';

export interface TimedRun {
  wallMs: number;
  peakRssKb: number;
  cpuMs: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

export async function runTimed(command: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number }): Promise<TimedRun> {
  const started = performance.now();
  // time writes its line last on stderr; a marker keeps it apart from the command's own stderr.
  const run = await runCommand(GNU_TIME, ['-f', '@@time %M %U %S', command, ...args], { ...options, what: `${GNU_TIME} (Debian package "time")` });
  const wallMs = performance.now() - started;
  const match = /@@time (\d+) ([\d.]+) ([\d.]+)\s*$/.exec(run.stderr);
  if (!match) throw new Error(`no GNU time output from ${command} ${args.join(' ')} (exit ${run.code}):\n${run.stderr.slice(-2000)}`);
  const cpuMs = (Number(match[2]) + Number(match[3])) * 1000;
  return { wallMs, peakRssKb: Number(match[1]), cpuMs, code: run.code, stdout: run.stdout, stderr: run.stderr.slice(0, match.index) };
}
