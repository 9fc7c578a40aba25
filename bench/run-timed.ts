// Runs a command to completion under GNU time, for its wall time (measured
// here, from spawn to exit), peak resident set (time's %M: the largest
// single process of the command, in KiB) and CPU time (user + system).
import { spawn } from 'node:child_process';

export const GNU_TIME = '/usr/bin/time';

export interface TimedRun {
  wallMs: number;
  peakRssKb: number;
  cpuMs: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runTimed(command: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number }): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // time writes its line last on stderr; a marker keeps it apart from the command's own stderr.
    const child = spawn(GNU_TIME, ['-f', '@@time %M %U %S', command, ...args], { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${GNU_TIME} (Debian package "time"): ${error.message}`));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      const match = /@@time (\d+) ([\d.]+) ([\d.]+)\s*$/.exec(stderr);
      if (!match) return reject(new Error(`no GNU time output from ${command} ${args.join(' ')} (exit ${code}):\n${stderr.slice(-2000)}`));
      const cpuMs = (Number(match[2]) + Number(match[3])) * 1000;
      resolve({ wallMs, peakRssKb: Number(match[1]), cpuMs, code, stdout, stderr: stderr.slice(0, match.index) });
    });
  });
}
