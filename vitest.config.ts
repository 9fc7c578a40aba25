import { defineConfig } from 'vitest/config';
import { ALL_TESTS, UNIT_TESTS } from './test/suite/test-tiers.js';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests spawn servers on loopback; two cores are all CI has.
    maxWorkers: 2,
    passWithNoTests: false,
    // `npm test` runs `unit`; `scripts/test` runs both. See test/suite/test-tiers.ts.
    projects: [
      // Unit files share their workers' module cache (no isolation): importing the AWS SDK and
      // friends once per worker instead of once per file is most of what makes `npm test` fast.
      // They change no global state they do not restore.
      { extends: true, test: { name: 'unit', include: UNIT_TESTS, isolate: false } },
      { extends: true, test: { name: 'system', include: ALL_TESTS, exclude: UNIT_TESTS } },
    ],
  },
});
