// moto's server mode (ECR, Secrets Manager, SSM, ...) on a free loopback port: an AWS
// implementation written independently of this project, speaking the real
// wire protocols to the real SDK clients. From scripts/install-test-tools.
import { findTool } from './find-tool.js';
import type { ProcessTracker } from './create-process-tracker.js';
import { freePort } from './free-port.js';
import { waitFor } from './wait-for.js';

export async function startMoto(tracker: ProcessTracker, home: string): Promise<{ url: string }> {
  const moto = findTool('moto_server');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = tracker.start(moto, ['-H', '127.0.0.1', '-p', String(port)], { env: { ...process.env, HOME: home } });
  await waitFor(
    async () => {
      if (server.child.exitCode !== null) throw new Error(`moto_server exited ${server.child.exitCode}: ${server.stderr().slice(-500)}`);
      const response = await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      return response.ok;
    },
    { what: 'moto_server to answer', timeoutMs: 30_000 },
  );
  return { url };
}
