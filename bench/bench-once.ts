// One `--once` cycle of the built CLI next to the shell pipeline it replaces,
// run alternately so that drifting machine load hits both alike.
import { runTimed, type TimedRun } from './run-timed.js';
import { summarize, type Summary } from './summarize.js';

export interface OnceResult {
  cli: { wallMs: Summary; peakRssKb: Summary };
  shell: { wallMs: Summary; peakRssKb: Summary };
}

async function succeeded(what: string, run: Promise<TimedRun>): Promise<TimedRun> {
  const result = await run;
  if (result.code !== 0) throw new Error(`${what} exited ${result.code}:\n${result.stderr.slice(-2000)}${result.stdout.slice(-2000)}`);
  return result;
}

export async function benchOnce(options: {
  cli: string;
  cliEnv: NodeJS.ProcessEnv;
  script: string;
  shellEnv: NodeJS.ProcessEnv;
  runs: number;
}): Promise<OnceResult> {
  const once = () => succeeded('ecr-token-refresher --once', runTimed(process.execPath, [options.cli, '--once'], { env: options.cliEnv }));
  const shell = () => succeeded('the aws CLI + curl pipeline', runTimed('/bin/sh', [options.script], { env: options.shellEnv }));
  // Warm-up: page cache, the aws CLI's first bytecode compilation.
  await once();
  await shell();
  const cli: TimedRun[] = [];
  const sh: TimedRun[] = [];
  for (let i = 0; i < options.runs; i++) {
    cli.push(await once());
    sh.push(await shell());
  }
  return {
    cli: { wallMs: summarize(cli.map((r) => r.wallMs)), peakRssKb: summarize(cli.map((r) => r.peakRssKb)) },
    shell: { wallMs: summarize(sh.map((r) => r.wallMs)), peakRssKb: summarize(sh.map((r) => r.peakRssKb)) },
  };
}

/** Wall times of `--once` alone (after one warm-up run). */
export async function benchOnceCliOnly(options: { cli: string; env: NodeJS.ProcessEnv; runs: number }): Promise<Summary> {
  const once = () => succeeded('ecr-token-refresher --once', runTimed(process.execPath, [options.cli, '--once'], { env: options.env }));
  await once();
  const walls: number[] = [];
  for (let i = 0; i < options.runs; i++) walls.push((await once()).wallMs);
  return summarize(walls);
}
