import { describe, expect, it } from 'vitest';
import { idleFloorScript } from '../../bench/idle-floor-script.js';
import { makeFanOutConfig } from '../../bench/make-fan-out-config.js';
import { readCgroupMemory } from '../../bench/read-cgroup-memory.js';
import { readProcStats } from '../../bench/read-proc-stats.js';
import { runTimed } from '../../bench/run-timed.js';
import { summarize } from '../../bench/summarize.js';
import { loadConfig } from '../../src/config/load-config.js';

describe('benchmark helpers', () => {
  it('makes a fan-out config of 1000 distinct sets spread evenly over 20 registries', () => {
    const config = makeFanOutConfig({ targets: 1000, registries: 20 });
    expect(config.targets).toHaveLength(1000);
    expect(new Set(config.targets.map((t) => t.secretSet)).size).toBe(1000);
    const perRegistry = new Map<string, number>();
    for (const t of config.targets) perRegistry.set(t.registryId, (perRegistry.get(t.registryId) ?? 0) + 1);
    expect(perRegistry.size).toBe(20);
    expect(new Set(perRegistry.values())).toEqual(new Set([50]));
  });

  it('writes a config file the refresher accepts as it is', () => {
    const file = JSON.stringify(makeFanOutConfig({ targets: 1000, registries: 20 }));
    const config = loadConfig({
      env: { PCC_API_KEY: 'pk_test_bench', PCC_API_URL: 'http://127.0.0.1:9/v1' },
      configFile: 'fan-out.json',
      readFile: () => file,
    });
    expect(config.targets).toHaveLength(1000);
    expect(new Set(config.targets.map((t) => `${t.registryId}/${t.awsRegion}`)).size).toBe(20);
  });

  it('reports the median of an even number of runs as the mean of the middle two', () => {
    expect(summarize([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4, runs: 4 });
    expect(summarize([5, 1, 3]).median).toBe(3);
  });

  it('reads the memory cgroup of a process as a working set no larger than its usage and no smaller than its anonymous memory', () => {
    const memory = readCgroupMemory(process.pid);
    expect(memory.usageBytes).toBeGreaterThan(0);
    expect(memory.workingSetBytes).toBeLessThanOrEqual(memory.usageBytes);
    expect(memory.workingSetBytes).toBeGreaterThanOrEqual(memory.anonBytes * 0.5);
    // This process alone holds more than its own resident anonymous pages' worth of memory in the cgroup.
    expect(memory.usageBytes).toBeGreaterThan(readProcStats(process.pid).rssKb * 1024 * 0.1);
  });

  it('times a command: 400 ms of computing shows as CPU time, a 400 ms sleep does not', async () => {
    const env = { PATH: process.env.PATH };
    // Spins until it has used 400 ms of CPU itself, however loaded the machine is.
    const spin = 'const c = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }; const end = c() + 400; while (c() < end);';
    const busy = await runTimed(process.execPath, ['-e', spin], { env });
    const idle = await runTimed(process.execPath, ['-e', 'setTimeout(() => {}, 400)'], { env });
    expect(busy.code).toBe(0);
    expect(busy.cpuMs).toBeGreaterThanOrEqual(400);
    expect(idle.cpuMs).toBeLessThan(busy.cpuMs - 200);
    expect(idle.wallMs).toBeGreaterThanOrEqual(400);
    expect(busy.peakRssKb).toBeGreaterThan(10_000);
  });

  it('runs the idle-floor reference cleanly, holding more memory than a bare node', async () => {
    const env = { PATH: process.env.PATH };
    const floor = await runTimed(process.execPath, ['-e', idleFloorScript(0)], { env });
    const bare = await runTimed(process.execPath, ['-e', 'setTimeout(() => {}, 0)'], { env });
    expect(floor.code).toBe(0);
    // The built-ins and ICU data add about 15 MiB on Node 20; a script that loaded none would not.
    expect(floor.peakRssKb - bare.peakRssKb).toBeGreaterThan(4 * 1024);
  });
});
