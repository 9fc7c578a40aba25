// Starts the built refresher as a daemon and follows its JSON log, timing
// each log message from the moment of spawn.
import { spawn, type ChildProcess } from 'node:child_process';

export interface Daemon {
  child: ChildProcess;
  pid: number;
  /** Resolves with ms since spawn when a log line with this msg appears. */
  waitForLog(msg: string, timeoutMs?: number): Promise<number>;
  /** Resolves with the first log entry (parsed) after now for which `match` is true. */
  waitForEntry(match: (entry: Record<string, unknown>) => boolean, timeoutMs: number): Promise<Record<string, unknown>>;
  /** SIGTERM, then SIGKILL after graceMs; resolves on exit. */
  stop(graceMs?: number): Promise<void>;
}

/** `nodeArgs` go before the CLI (V8 and Node flags under measurement). */
export function startDaemon(cli: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Daemon {
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, cli], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start ${cli}`);
  const seen = new Map<string, number>();
  const waiting = new Map<string, (ms: number) => void>();
  const watchers = new Set<(entry: Record<string, unknown>) => void>();
  let buffered = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      const at = performance.now() - started;
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      for (const watcher of watchers) watcher(entry);
      const msg = entry.msg;
      if (typeof msg !== 'string' || seen.has(msg)) continue;
      seen.set(msg, at);
      waiting.get(msg)?.(at);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));

  return {
    child,
    pid: child.pid,
    waitForLog(msg, timeoutMs = 30_000) {
      const at = seen.get(msg);
      if (at !== undefined) return Promise.resolve(at);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${msg}" log line within ${timeoutMs} ms; stderr: ${stderr.slice(-1000)}`)), timeoutMs);
        void exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`daemon exited before logging "${msg}"; stderr: ${stderr.slice(-1000)}`));
        });
        waiting.set(msg, (ms) => {
          clearTimeout(timer);
          resolve(ms);
        });
      });
    },
    waitForEntry(match, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers.delete(watcher);
          reject(new Error(`no matching log line within ${timeoutMs} ms; stderr: ${stderr.slice(-1000)}`));
        }, timeoutMs);
        const watcher = (entry: Record<string, unknown>) => {
          if (!match(entry)) return;
          clearTimeout(timer);
          watchers.delete(watcher);
          resolve(entry);
        };
        watchers.add(watcher);
      });
    },
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
