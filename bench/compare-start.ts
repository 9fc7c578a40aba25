// A focused look at the two start-up figures, for trying a change: builds given
// as directories (each holding dist/cli.js and package.json) run in alternating
// rounds against one set of stand-ins, reporting spawn → "started", spawn →
// first confirmed push (set ready at once, and 300 ms after its PUT), and the
// daemon's RSS after BENCH_IDLE_SECONDS idle (default 20).
//
//   npx tsx bench/compare-start.ts <app-dir-a> [<app-dir-b> ...]
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEcrStandIn } from '../stand-ins/ecr-stand-in.js';
import { startSecretsApiStandIn } from '../stand-ins/secrets-api-stand-in.js';
import { refresherEnv } from './bench-env.js';
import { OUT } from './prepare-app.js';
import { readProcStats } from './read-proc-stats.js';
import { startDaemon } from './start-daemon.js';
import { summarize } from './summarize.js';
import { mib, s, spread } from './units.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 20);
const apps = process.argv.slice(2);
if (apps.length === 0) throw new Error('usage: compare-start.ts <app-dir> [<app-dir> ...]');

const ecr = await startEcrStandIn();
const pending = await startSecretsApiStandIn();
const instant = await startSecretsApiStandIn({ provisioningDelayMs: 0 });
const home = mkdtempSync(join(OUT, 'home-'));
const figures = apps.map(() => ({ started: [] as number[], ready: [] as number[], ready300: [] as number[], rss: [] as number[] }));

async function once(cli: string, apiUrl: string, apiKey: string, idle: boolean) {
  const env = refresherEnv({ ecrUrl: ecr.url, apiUrl, apiKey }, home, { PCC_SECRET_SET: 'compare-start' });
  const daemon = startDaemon(cli, env);
  try {
    const started = await daemon.waitForLog('ecr-token-refresher started');
    const ready = await daemon.waitForLog('secret set refreshed and ready');
    let rssKb = 0;
    if (idle) {
      await sleep(IDLE_SECONDS * 1000);
      rssKb = readProcStats(daemon.pid).rssKb;
    }
    return { started, ready, rssKb };
  } finally {
    await daemon.stop();
  }
}

try {
  for (let round = 0; round <= RUNS; round++) {
    for (const [i, app] of apps.entries()) {
      const cli = join(app, 'dist', 'cli.js');
      const a = await once(cli, instant.url, instant.apiKey, round > 0 && IDLE_SECONDS > 0);
      const b = await once(cli, pending.url, pending.apiKey, false);
      if (round === 0) continue; // warms the page cache
      figures[i]!.started.push(a.started);
      figures[i]!.ready.push(a.ready);
      figures[i]!.ready300.push(b.ready);
      if (a.rssKb) figures[i]!.rss.push(a.rssKb);
      process.stderr.write('.');
    }
  }
} finally {
  await Promise.all([ecr.close(), pending.close(), instant.close()]);
  rmSync(home, { recursive: true, force: true });
}
process.stderr.write('\n');
for (const [i, app] of apps.entries()) {
  const f = figures[i]!;
  const rss = f.rss.length ? spread(summarize(f.rss), mib) : '-';
  process.stdout.write(`${app}\n  started ${spread(summarize(f.started), s)}\n  ready at once ${spread(summarize(f.ready), s)}\n  ready after 300 ms ${spread(summarize(f.ready300), s)}\n  idle RSS ${rss}\n`);
}
