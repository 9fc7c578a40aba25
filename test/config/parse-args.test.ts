import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/config/parse-args.js';
import { UsageError } from '../../src/config/config-error.js';

function usageErrorOf(argv: string[]): UsageError {
  try {
    parseArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('parseArgs', () => {
  it('runs as a daemon with no arguments', () => {
    expect(parseArgs([])).toEqual({ once: false, dryRun: false, help: false, version: false });
  });

  it('reads --once and --dry-run', () => {
    expect(parseArgs(['--once', '--dry-run'])).toEqual({ once: true, dryRun: true, help: false, version: false });
  });

  it('reads --config FILE, --config=FILE and -c FILE', () => {
    expect(parseArgs(['--config', 'refresher.yaml']).configFile).toBe('refresher.yaml');
    expect(parseArgs(['--config=/etc/r.json']).configFile).toBe('/etc/r.json');
    expect(parseArgs(['-c', 'r.yaml']).configFile).toBe('r.yaml');
  });

  it('reads --help, -h and --version', () => {
    expect(parseArgs(['--help']).help).toBe(true);
    expect(parseArgs(['-h']).help).toBe(true);
    expect(parseArgs(['--version']).version).toBe(true);
  });

  it('rejects an unknown flag, naming it and pointing at --help', () => {
    const error = usageErrorOf(['--verbose']);
    expect(error.code).toBe('ERR_USAGE');
    expect(error.message).toBe('unknown option --verbose: see --help');
  });

  it('suggests the flag meant by a near miss', () => {
    expect(usageErrorOf(['--dryrun']).message).toBe('unknown option --dryrun: did you mean --dry-run? see --help');
  });

  it('rejects an unknown short flag', () => {
    expect(usageErrorOf(['-x']).message).toMatch(/^unknown option -x: .*see --help$/);
  });

  it('rejects a stray positional argument, naming it', () => {
    expect(usageErrorOf(['--once', 'config.yaml']).message).toBe(
      'unexpected argument "config.yaml": options only (a config file goes after --config); see --help',
    );
  });

  it('rejects --config without a path', () => {
    expect(usageErrorOf(['--config']).message).toMatch(/^--config needs a file path.*see --help$/);
  });

  it('rejects --config followed by another flag instead of a path', () => {
    expect(usageErrorOf(['--config', '--once']).message).toMatch(/^--config needs a file path/);
  });

  it('rejects an empty --config path', () => {
    expect(usageErrorOf(['--config=']).message).toMatch(/^--config needs a file path/);
  });

  it('rejects a value given to a boolean flag', () => {
    expect(usageErrorOf(['--once=yes']).message).toBe('--once does not take a value: see --help');
  });

  it('keeps the node:util error as the cause', () => {
    expect((usageErrorOf(['--nope']).cause as { code?: string }).code).toBe('ERR_PARSE_ARGS_UNKNOWN_OPTION');
  });
});
