// The built CLI refuses a plain http:// PCC_API_URL before it sends anything:
// exit 2, one line naming PCC_API_URL and the https URL to use, no token minted
// and not one connection made. A remote http:// host is reached here through
// HTTP_PROXY pointing at a loopback server that counts every connection, so
// a request that did go out would be counted rather than fail to resolve.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect } from 'vitest';
import { systemTest } from '../support/system-test.js';

let counter: Server;
let counterUrl: string;
let connections = 0;
const sockets = new Set<Socket>();

beforeAll(async () => {
  counter = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
  });
  await new Promise<void>((resolve) => counter.listen(0, '127.0.0.1', resolve));
  counterUrl = `http://127.0.0.1:${(counter.address() as { port: number }).port}`;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => counter.close(() => resolve()));
});
beforeEach(() => {
  connections = 0;
});

describe('PCC_API_URL over plain http', () => {
  for (const [mode, args] of [
    ['--once', ['--once']],
    ['the daemon', []],
  ] as const) {
    systemTest(`${mode}: exits 2 naming PCC_API_URL and the fix, and sends nothing`, async ({ cli, cliEnv, ecr, api }) => {
      const env = cliEnv({
        PCC_API_URL: 'http://api.pipecat.daily.co/v1',
        PCC_SECRET_SET: 'cleartext-refused',
        HTTP_PROXY: counterUrl,
        HTTPS_PROXY: counterUrl,
        REFRESH_SCHEDULE: '0 0 1 1 *',
      });
      const run = await cli.run([...args], { env, timeoutMs: 20_000 });
      expect(run.code, run.stdout + run.stderr).toBe(2);
      expect(run.stderr).toContain(
        'PCC_API_URL: must use https (the API key and the token would travel in clear text); set it to https://api.pipecat.daily.co/v1',
      );
      expect(run.stdout + run.stderr).not.toContain(api.apiKey);
      expect(connections).toBe(0);
      expect(ecr.calls).toEqual([]);
      expect(api.requests).toEqual([]);
    });
  }
});
