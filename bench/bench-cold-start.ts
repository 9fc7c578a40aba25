// Daemon cold start: from spawn to the start-up log line, and to the first
// confirmed push ('secret set refreshed and ready').
import { startDaemon } from './start-daemon.js';
import { summarize, type Summary } from './summarize.js';

export interface ColdStartResult {
  startedMs: Summary;
  firstReadyMs: Summary;
}

export async function benchColdStart(options: { cli: string; env: NodeJS.ProcessEnv; runs: number }): Promise<ColdStartResult> {
  const started: number[] = [];
  const ready: number[] = [];
  for (let i = 0; i <= options.runs; i++) {
    const daemon = startDaemon(options.cli, options.env);
    try {
      const s = await daemon.waitForLog('ecr-token-refresher started');
      const r = await daemon.waitForLog('secret set refreshed and ready');
      // The first run warms the page cache and is not counted.
      if (i > 0) {
        started.push(s);
        ready.push(r);
      }
    } finally {
      await daemon.stop();
    }
  }
  return { startedMs: summarize(started), firstReadyMs: summarize(ready) };
}
