// Runs the demo's node entry as `scripts/demo` does (after the build), in its
// own process group so a test can press Ctrl-C the way a terminal does (to the
// whole group), with a temp dir of the test's own as TMPDIR so the test can
// see whether anything was left behind.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../support/ensure-built.js';

export interface DemoExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningDemo {
  /** Resolves with the stdout seen so far once a line matches. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Ctrl-C in a terminal: SIGINT to the demo's whole process group. */
  pressCtrlC(): void;
  kill(signal: NodeJS.Signals): void;
  closeStdout(): void;
  exited: Promise<DemoExit>;
  /** The demo's own temp dirs left in its TMPDIR. */
  leftBehind(): string[];
  dispose(): void;
}

/** A TMPDIR for a test file's demos; tsx keeps its compile cache there too, so share one per file. */
export function createDemoTmp(): { path: string; dispose(): void } {
  const path = mkdtempSync(join(tmpdir(), 'ecr-token-refresher-demo-test-'));
  return { path, dispose: () => rmSync(path, { recursive: true, force: true }) };
}

export function startDemo(args: string[], options: { tmp: string; killAfterMs?: number; env?: Record<string, string> }): RunningDemo {
  const { tmp } = options;
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', ...args], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, HOME: tmp, TMPDIR: tmp, METRICS_PORT: '0', ...options.env },
  });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: (text: string) => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const w of [...waiters]) if (w.pattern.test(stdout)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(stdout));
  });
  child.stdout.on('error', () => undefined);
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const guard = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 60_000);
  const exited = new Promise<DemoExit>((resolve) =>
    child.once('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return {
    waitForLine(pattern, timeoutMs = 30_000) {
      if (pattern.test(stdout)) return Promise.resolve(stdout);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${stdout}\n${stderr}`)), timeoutMs);
        waiters.push({ pattern, resolve: (text) => (clearTimeout(timer), resolve(text)) });
      });
    },
    pressCtrlC: () => process.kill(-child.pid!, 'SIGINT'),
    kill: (signal) => child.kill(signal),
    closeStdout: () => child.stdout.destroy(),
    exited,
    leftBehind: () => readdirSync(tmp).filter((name) => name.startsWith('ecr-token-refresher-demo-')),
    dispose() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
