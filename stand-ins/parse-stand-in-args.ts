// Command-line options of stand-ins/main.ts. Durations take a unit (12h,
// 800ms); a bare number is seconds for the token lifetime and milliseconds
// for the provisioning delay, matching the option names.
import { parseDuration } from '../src/config/validate.js';

export interface StandInArgs {
  ecrPort: number;
  apiPort: number;
  tokenLifetimeSeconds?: number;
  provisioningDelayMs?: number;
  apiKey?: string;
  accountId?: string;
}

export const STAND_IN_USAGE =
  'usage: stand-ins/main.ts [--ecr-port N] [--api-port N] [--token-lifetime 12h|SECONDS] [--provisioning-delay 300ms|MS] [--api-key KEY] [--account-id 123456789012]';

export function parseStandInArgs(argv: string[]): StandInArgs {
  const args: StandInArgs = { ecrPort: 0, apiPort: 0 };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i] ?? '';
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value\n${STAND_IN_USAGE}`);
    switch (flag) {
      case '--ecr-port':
        args.ecrPort = port(flag, value);
        break;
      case '--api-port':
        args.apiPort = port(flag, value);
        break;
      case '--token-lifetime':
        args.tokenLifetimeSeconds = /^\d+$/.test(value) ? Number(value) : parseDuration(value) / 1000;
        break;
      case '--provisioning-delay':
        args.provisioningDelayMs = /^\d+$/.test(value) ? Number(value) : parseDuration(value);
        break;
      case '--api-key':
        args.apiKey = value;
        break;
      case '--account-id':
        if (!/^\d{12}$/.test(value)) throw new Error(`--account-id must be 12 digits, got ${JSON.stringify(value)}`);
        args.accountId = value;
        break;
      default:
        throw new Error(`unknown option ${JSON.stringify(flag)}\n${STAND_IN_USAGE}`);
    }
  }
  return args;
}

function port(flag: string, value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number > 65_535) throw new Error(`${flag} must be a port number 0-65535, got ${JSON.stringify(value)}`);
  return number;
}
