// The daemon between refreshes: with the next tick far away, how much memory
// it holds and how much CPU it burns over an idle stretch, and whether it
// sends anything at all (it must not poll).
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { idleFloorScript } from './idle-floor-script.js';
import { readProcStats } from './read-proc-stats.js';
import { startDaemon } from './start-daemon.js';

export interface IdleResult {
  seconds: number;
  settleSeconds: number;
  rssKb: number;
  peakRssKb: number;
  cpuTicks: number;
  requests: number;
  /** The same figures for a bare `node` waiting on one timer, over the same stretch. */
  bareNode: { rssKb: number; cpuTicks: number };
  /** RSS of a bare `node` that loaded the built-ins and ICU data the libraries need (idle-floor-script.ts). */
  floorRssKb: number;
}

export async function benchIdle(options: {
  cli: string;
  env: NodeJS.ProcessEnv;
  seconds: number;
  /** Wait this long after the first confirmed push before measuring. */
  settleSeconds: number;
  /** Requests the stand-ins have received so far. */
  requestCount: () => number;
}): Promise<IdleResult> {
  const daemon = startDaemon(options.cli, options.env);
  const bare = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 2 ** 31 - 1)'], { stdio: 'ignore' });
  const floor = spawn(process.execPath, ['-e', idleFloorScript()], { stdio: 'ignore' });
  try {
    await daemon.waitForLog('secret set refreshed and ready');
    // Let the start-up tail pass first: after the first cycle's peak V8 runs a
    // few memory-reducing GCs over the next ~20 s, which is not idle work.
    await sleep(options.settleSeconds * 1000);
    const before = readProcStats(daemon.pid);
    const bareBefore = readProcStats(bare.pid!);
    const requestsBefore = options.requestCount();
    await sleep(options.seconds * 1000);
    const after = readProcStats(daemon.pid);
    const bareAfter = readProcStats(bare.pid!);
    return {
      settleSeconds: options.settleSeconds,
      bareNode: { rssKb: bareAfter.rssKb, cpuTicks: bareAfter.cpuTicks - bareBefore.cpuTicks },
      floorRssKb: readProcStats(floor.pid!).rssKb,
      seconds: options.seconds,
      rssKb: after.rssKb,
      peakRssKb: after.peakRssKb,
      cpuTicks: after.cpuTicks - before.cpuTicks,
      requests: options.requestCount() - requestsBefore,
    };
  } finally {
    bare.kill('SIGKILL');
    floor.kill('SIGKILL');
    await daemon.stop();
  }
}
