import { describe, expect, it } from 'vitest';
import { parseStandInArgs } from '../../stand-ins/parse-stand-in-args.js';

describe('parseStandInArgs', () => {
  it('defaults both ports to 0 (any free port)', () => {
    expect(parseStandInArgs([])).toEqual({ ecrPort: 0, apiPort: 0 });
  });

  it('reads ports, a token lifetime as a duration or seconds, and a provisioning delay as a duration or milliseconds', () => {
    expect(parseStandInArgs(['--ecr-port', '4566', '--api-port', '4567', '--token-lifetime', '12h', '--provisioning-delay', '2s'])).toEqual({
      ecrPort: 4566,
      apiPort: 4567,
      tokenLifetimeSeconds: 43_200,
      provisioningDelayMs: 2_000,
    });
    expect(parseStandInArgs(['--token-lifetime', '90', '--provisioning-delay', '800'])).toMatchObject({ tokenLifetimeSeconds: 90, provisioningDelayMs: 800 });
  });

  it('refuses a bad port, a bad duration, a missing value and an unknown flag', () => {
    expect(() => parseStandInArgs(['--ecr-port', '70000'])).toThrow(/port number/);
    expect(() => parseStandInArgs(['--token-lifetime', 'soon'])).toThrow(/not a duration/);
    expect(() => parseStandInArgs(['--api-port'])).toThrow(/needs a value/);
    expect(() => parseStandInArgs(['--verbose', 'yes'])).toThrow(/unknown option/);
    expect(() => parseStandInArgs(['--account-id', '12'])).toThrow(/12 digits/);
  });
});
