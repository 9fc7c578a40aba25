// The built daemon that cannot start exits 3 with one fatal line that names
// the real cause: a port in use asks for another METRICS_PORT, an address this
// host does not have asks for another METRICS_HOST (not for a free port).
import { createServer } from 'node:net';
import { describe, expect } from 'vitest';
import { systemTest } from '../support/system-test.js';

describe('a daemon that cannot start says why', () => {
  systemTest('names METRICS_HOST when the listen address is not on this host', async ({ cli, cliEnv }) => {
    // 192.0.2.1 (TEST-NET-1) is never an address of this host.
    const run = await cli.run([], { env: cliEnv({ PCC_SECRET_SET: 'start-failure', METRICS_HOST: '192.0.2.1', METRICS_PORT: '9102' }), timeoutMs: 20_000 });
    expect(run.code).toBe(3);
    const fatal = run.stdout.split('\n').filter((line) => line.includes('"level":"fatal"'));
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toContain('METRICS_HOST is not an address of this host');
    expect(fatal[0]).not.toContain('set METRICS_PORT to a free port');
  });

  systemTest('names METRICS_PORT when the port is taken', async ({ cli, cliEnv }) => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as { port: number };
      const run = await cli.run([], { env: cliEnv({ PCC_SECRET_SET: 'start-failure', METRICS_PORT: String(port) }), timeoutMs: 20_000 });
      expect(run.code).toBe(3);
      expect(run.stdout).toMatch(/"level":"fatal".*cannot listen on 127\.0\.0\.1:\d+; set METRICS_PORT to a free port/);
    } finally {
      taken.close();
    }
  });
});
