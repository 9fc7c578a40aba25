// Runs only the fixture probe, in a vitest of its own, so the test that reads
// its report can check what the fixtures left behind after that file ended.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('../../../', import.meta.url).pathname,
    include: ['test/support/probe/every-fixture.probe.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    passWithNoTests: false,
  },
});
