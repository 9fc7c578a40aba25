// Spawns processes for a test file and guarantees they die with it. Each child
// leads its own process group (detached), so stopping it also stops whatever it
// started (npx -> tsx -> node). stopAll() belongs in afterAll; a process 'exit'
// hook SIGKILLs any group still alive if the test runner goes down first.
import { spawn, type SpawnOptions, type ChildProcess } from 'node:child_process';

export interface TrackedProcess {
  child: ChildProcess;
  pid: number;
  /** Everything written to stdout so far. */
  stdout(): string;
  stderr(): string;
  /** stdout lines that parse as JSON objects (pino log entries). */
  logEntries(): Array<Record<string, unknown> & { msg?: string }>;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM to the group, SIGKILL after graceMs; resolves once the leader is gone. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const OUTPUT_LIMIT = 4 * 1024 * 1024;
const everyGroup = new Set<number>();
let exitHookInstalled = false;

function signalGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const pid of everyGroup) signalGroup(pid, 'SIGKILL');
  });
}

export function createProcessTracker() {
  const mine = new Set<TrackedProcess>();
  installExitHook();

  function start(command: string, args: string[], options: Omit<SpawnOptions, 'detached' | 'stdio'> = {}): TrackedProcess {
    const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid === undefined) throw new Error(`could not spawn ${command}`);
    const pid = child.pid;
    everyGroup.add(pid);
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      if (out.length < OUTPUT_LIMIT) out += chunk;
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      if (err.length < OUTPUT_LIMIT) err += chunk;
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('error', () => resolve({ code: null, signal: null }));
      child.once('close', (code, signal) => resolve({ code, signal }));
    });

    const tracked: TrackedProcess = {
      child,
      pid,
      stdout: () => out,
      stderr: () => err,
      logEntries: () =>
        out
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .flatMap((line) => {
            try {
              return [JSON.parse(line) as Record<string, unknown>];
            } catch {
              return [];
            }
          }),
      exited,
      async stop(graceMs = 5_000) {
        if (child.exitCode === null && child.signalCode === null) signalGroup(pid, 'SIGTERM');
        const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
        const result = await exited;
        clearTimeout(timer);
        // Children that outlived the leader go too.
        signalGroup(pid, 'SIGKILL');
        everyGroup.delete(pid);
        mine.delete(tracked);
        return result;
      },
    };
    mine.add(tracked);
    return tracked;
  }

  return {
    start,
    /** Stops every process this tracker started that is still tracked. */
    async stopAll(graceMs = 5_000): Promise<void> {
      await Promise.all([...mine].map((p) => p.stop(graceMs)));
    },
  };
}

export type ProcessTracker = ReturnType<typeof createProcessTracker>;
