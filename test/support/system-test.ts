// Shared fixtures for system tests (vitest `test.extend`): the two stand-ins,
// a temp HOME, the built CLI and a process tracker. Each is made once per test
// file, only when a test or hook of that file asks for it, and cleaned up when
// the file ends: stand-ins closed, HOME removed, every process still running
// stopped with its whole group. Stand-in options are set per file with
// `systemTest.override({ standInOptions: { ecr: {...}, api: {...} } })` at the
// top level of the file; a test that needs stand-ins of its own calls
// `startStandIns(options)`, whose pair is closed when that test ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import { startEcrStandIn, type EcrStandInOptions } from '../../stand-ins/ecr-stand-in.js';
import { startSecretsApiStandIn, type SecretsApiStandInOptions } from '../../stand-ins/secrets-api-stand-in.js';
import { createBuiltCli } from './create-built-cli.js';
import { createProcessTracker } from './create-process-tracker.js';
import { ensureBuilt } from './ensure-built.js';
import { refresherEnv } from './refresher-env.js';

export interface StandInOptions {
  ecr?: EcrStandInOptions;
  api?: SecretsApiStandInOptions;
}

/** Where every temp HOME is made, so a test can check that none is left. */
export const TEMP_HOME_PREFIX = join(tmpdir(), 'ecr-token-refresher-home-');

export const systemTest = test
  .extend('standInOptions', { scope: 'file' }, {} as StandInOptions)
  .extend('home', { scope: 'file' }, ({}, { onCleanup }) => {
    const home = mkdtempSync(TEMP_HOME_PREFIX);
    onCleanup(() => rmSync(home, { recursive: true, force: true }));
    return home;
  })
  .extend('processes', { scope: 'file' }, ({}, { onCleanup }) => {
    const tracker = createProcessTracker();
    onCleanup(() => tracker.stopAll(1_000));
    return tracker;
  })
  .extend('cli', { scope: 'file' }, async ({ processes }) => createBuiltCli(await ensureBuilt(), processes))
  .extend('ecr', { scope: 'file' }, async ({ standInOptions }, { onCleanup }) => {
    const ecr = await startEcrStandIn(standInOptions.ecr);
    onCleanup(() => ecr.close());
    return ecr;
  })
  .extend('api', { scope: 'file' }, async ({ standInOptions }, { onCleanup }) => {
    const api = await startSecretsApiStandIn(standInOptions.api);
    onCleanup(() => api.close());
    return api;
  })
  .extend('startStandIns', async ({}, { onCleanup }) => {
    const started: Array<{ close(): Promise<void> }> = [];
    onCleanup(async () => {
      await Promise.all(started.map((standIn) => standIn.close()));
    });
    return async (options: StandInOptions = {}) => {
      const ecr = await startEcrStandIn(options.ecr);
      started.push(ecr);
      const api = await startSecretsApiStandIn(options.api);
      started.push(api);
      return { ecr, api };
    };
  })
  /** The refresher's environment against this file's stand-ins and HOME, plus `extra`. */
  .extend('cliEnv', { scope: 'file' }, ({ ecr, api, home }) => (extra: Record<string, string> = {}) => refresherEnv({ ecr, api, home, extra }));
