// What the V8 flags cost and save, over the heaviest cycle there is (the 1,000-set fan-out: every
// response goes through undici's wasm parser), run alternately: the shipped bundle
// (scripts/bundle.mjs V8_FLAGS: --liftoff-only), one built without them, and the shipped bundle
// under the image's --max-semi-space-size=1.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../test/support/ensure-built.js';
import { makeFanOutConfig } from './make-fan-out-config.js';
import { runTimed, type TimedRun } from './run-timed.js';
import { summarize, type Summary } from './summarize.js';

export interface FlagRuns {
  cpuMs: Summary;
  wallMs: Summary;
  peakRssKb: Summary;
}

/** dist/cli.js built without V8 flags, next to a package.json, under `dir`. */
async function bundleWithoutFlags(dir: string): Promise<string> {
  // scripts/bundle.mjs is plain JavaScript with no type declarations.
  const { bundle } = (await import(join(ROOT, 'scripts', 'bundle.mjs'))) as {
    bundle(options: { outdir: string; v8Flags: string[] }): Promise<unknown>;
  };
  const app = join(dir, 'app-without-flags');
  await bundle({ outdir: join(app, 'dist'), v8Flags: [] });
  cpSync(join(ROOT, 'package.json'), join(app, 'package.json'));
  return join(app, 'dist', 'cli.js');
}

export async function benchV8Flags(options: {
  cli: string;
  env: NodeJS.ProcessEnv;
  dir: string;
  targets: number;
  registries: number;
  runs: number;
  /** Called before each run, e.g. to reset the stand-in. */
  beforeRun: () => void;
}): Promise<{ shipped: FlagRuns; withoutFlags: FlagRuns; smallSemiSpace: FlagRuns }> {
  mkdirSync(options.dir, { recursive: true });
  const plain = await bundleWithoutFlags(options.dir);
  const configFile = join(options.dir, 'v8-flags-fan-out.json');
  writeFileSync(configFile, JSON.stringify(makeFanOutConfig({ targets: options.targets, registries: options.registries })));
  const run = async (cli: string, nodeFlags: string[] = []) => {
    options.beforeRun();
    const result = await runTimed(process.execPath, [...nodeFlags, cli, '--once', '--config', configFile], { env: options.env });
    if (result.code !== 0) throw new Error(`${cli} --once exited ${result.code}:\n${result.stderr.slice(-2000)}`);
    return result;
  };
  const shipped: TimedRun[] = [];
  const without: TimedRun[] = [];
  const smallSemi: TimedRun[] = [];
  for (let i = 0; i < options.runs; i++) {
    shipped.push(await run(options.cli));
    without.push(await run(plain));
    smallSemi.push(await run(options.cli, ['--max-semi-space-size=1']));
  }
  const figures = (runs: TimedRun[]): FlagRuns => ({
    cpuMs: summarize(runs.map((r) => r.cpuMs)),
    wallMs: summarize(runs.map((r) => r.wallMs)),
    peakRssKb: summarize(runs.map((r) => r.peakRssKb)),
  });
  return { shipped: figures(shipped), withoutFlags: figures(without), smallSemiSpace: figures(smallSemi) };
}
