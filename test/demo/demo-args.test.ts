// The demo's flags and its "every 20 s from the start" schedule.
import { describe, expect, it } from 'vitest';
import { parseDemoArgs } from '../../scripts/demo-args.js';
import { everySecondsFrom } from '../../scripts/demo-schedule.js';

describe('parseDemoArgs', () => {
  it('reads --for with a unit, in either spelling', () => {
    expect(parseDemoArgs(['--for', '90s'])).toEqual({ help: false, runForMs: 90_000 });
    expect(parseDemoArgs(['--for=1m30s'])).toEqual({ help: false, runForMs: 90_000 });
    expect(parseDemoArgs([])).toEqual({ help: false, runForMs: undefined });
  });

  it('refuses a bare number, naming the fix', () => {
    expect(() => parseDemoArgs(['--for', '60'])).toThrow('--for 60: give a unit, like --for 60s or --for 60m');
  });

  it('refuses less than a second', () => {
    expect(() => parseDemoArgs(['--for', '500ms'])).toThrow('--for 500ms: run for at least 1s');
  });

  it('takes --help over anything else', () => {
    expect(parseDemoArgs(['--for', '60', '--help'])).toEqual({ help: true });
  });
});

describe('everySecondsFrom', () => {
  const at = (second: number) => Date.UTC(2026, 0, 1, 12, 0, second, 400);

  it('fires every 20 s counted from the start second, not on the clock\'s :00/:20/:40', () => {
    expect(everySecondsFrom(at(7), 20)).toBe('7,27,47 * * * * *');
    expect(everySecondsFrom(at(45), 20)).toBe('5,25,45 * * * * *');
    expect(everySecondsFrom(at(0), 20)).toBe('0,20,40 * * * * *');
  });

  it('refuses a period that does not divide a minute', () => {
    expect(() => everySecondsFrom(at(0), 25)).toThrow('every 25s does not divide a minute');
  });
});
