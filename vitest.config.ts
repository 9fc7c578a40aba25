import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests spawn servers on loopback; two cores are all CI has.
    maxWorkers: 2,
    passWithNoTests: false,
  },
});
