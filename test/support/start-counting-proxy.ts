// A plain HTTP forwarder on 127.0.0.1 that counts every request passing
// through it. The ECR stand-in records a call only after its signature and key
// checks pass, so a test that must prove "exactly one request reached AWS" for
// a refused key counts here, in front of it.
import { createServer, request } from 'node:http';
import type { Socket } from 'node:net';

export interface CountingProxy {
  /** `http://127.0.0.1:PORT`, to use in place of the target's URL. */
  readonly url: string;
  /** Requests received so far. */
  count(): number;
  close(): Promise<void>;
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  let count = 0;
  const server = createServer((req, res) => {
    count += 1;
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent: false },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    // The upstream dropping the connection reaches the client as a drop too.
    forward.once('error', () => res.destroy());
    res.once('close', () => forward.destroy());
    req.pipe(forward);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('counting proxy has no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    count: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
