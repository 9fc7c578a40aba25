// The demo's command line: `--for DURATION` and `--help`, nothing else. Read
// before anything starts, so a bad flag leaves nothing behind.
import { parseDuration } from '../src/config/validate.js';

export const DEMO_USAGE = `Usage: scripts/demo [--for DURATION]

Runs the refresher against local stand-ins for AWS ECR and the Pipecat Cloud
secrets API: no AWS account or Pipecat Cloud key needed, nothing leaves 127.0.0.1.
Refreshes two secret sets every 20 seconds until Ctrl-C.

  --for DURATION   stop by itself after DURATION, with a unit: 45s, 2m, 1m30s
  -h, --help       print this help
`;

export type DemoArgs = { help: true } | { help: false; runForMs?: number };

export class DemoUsageError extends Error {
  override name = 'DemoUsageError';
  readonly code = 'ERR_DEMO_USAGE';
}

export function parseDemoArgs(argv: string[]): DemoArgs {
  // Asking for help is never an error, whatever else is on the line.
  if (argv.some((arg) => arg === '-h' || arg === '--help')) return { help: true };
  let runForMs: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const inline = arg.startsWith('--for=') ? arg.slice('--for='.length) : undefined;
    if (arg !== '--for' && inline === undefined) throw new DemoUsageError(`unknown option ${JSON.stringify(arg)}; the demo takes only --for DURATION and --help`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new DemoUsageError('--for needs a duration with a unit, like --for 45s or --for 2m');
    runForMs = parseRunFor(value);
  }
  return { help: false, runForMs };
}

function parseRunFor(value: string): number {
  // A bare number is refused, as everywhere in the product's settings: 60 could mean seconds or milliseconds.
  if (/^\d+$/.test(value.trim())) throw new DemoUsageError(`--for ${value}: give a unit, like --for ${value}s or --for ${value}m`);
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch (error) {
    throw new DemoUsageError(`--for ${value}: ${(error as Error).message.replace(/^".*?" is not a duration: /, '')}`);
  }
  if (ms < 1000) throw new DemoUsageError(`--for ${value}: run for at least 1s`);
  return ms;
}
