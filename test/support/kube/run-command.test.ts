// The command runner the API-server tests use reports what the command did, even when the
// command exits without reading the input it was given.
import { describe, expect, it } from 'vitest';
import { runCommand } from './run-command.js';

describe('runCommand', () => {
  it('reports the exit of a command that never reads its input, without an EPIPE escaping', async () => {
    // More than a pipe buffer, so the write is still pending when `true` has exited.
    const results = await Promise.all(Array.from({ length: 5 }, () => runCommand('true', [], { input: 'x'.repeat(1 << 20) })));
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0, 0]);
  });

  it('hands the input to a command that reads it', async () => {
    expect(await runCommand('cat', [], { input: 'line\n' })).toEqual({ code: 0, stdout: 'line\n', stderr: '' });
  });
});
