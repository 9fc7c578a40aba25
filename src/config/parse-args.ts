// The command line: `ecr-token-refresher [--once] [--dry-run] [--config FILE]
// [--help] [--version]`. Anything else is a UsageError (exit code 2).
import { parseArgs as parseNodeArgs } from 'node:util';
import { suggestName, UsageError } from './config-error.js';

export interface CliArgs {
  once: boolean;
  dryRun: boolean;
  configFile?: string;
  help: boolean;
  version: boolean;
}

const OPTIONS = {
  once: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  config: { type: 'string', short: 'c' },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', default: false },
} as const;

const FLAG_NAMES = Object.keys(OPTIONS);

export function parseArgs(argv: string[]): CliArgs {
  let values;
  try {
    ({ values } = parseNodeArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(describe(error as NodeJS.ErrnoException & { message: string }), { cause: error });
  }
  if (values.config !== undefined && values.config.trim() === '') {
    throw new UsageError('--config needs a file path: see --help');
  }
  return {
    once: values.once,
    dryRun: values['dry-run'],
    ...(values.config !== undefined && { configFile: values.config }),
    help: values.help,
    version: values.version,
  };
}

function describe(error: NodeJS.ErrnoException): string {
  const quoted = /'([^' ]+)/.exec(error.message)?.[1] ?? '';
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const suggestion = suggestName(quoted.replace(/^-+/, ''), FLAG_NAMES);
      return `unknown option ${quoted}: ${suggestion ? `did you mean --${suggestion}? ` : ''}see --help`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${JSON.stringify(quoted)}: options only (a config file goes after --config); see --help`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const flag = /--[\w-]+/.exec(error.message)?.[0] ?? quoted;
      if (flag === '--config') return '--config needs a file path, like --config config.yaml: see --help';
      return `${flag} does not take a value: see --help`;
    }
    default:
      return `${error.message.split('\n')[0]}: see --help`;
  }
}
