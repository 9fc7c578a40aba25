import { describe, expect, it } from 'vitest';
import { makeFanOutConfig } from '../../bench/make-fan-out-config.js';
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
});
