// A plain HTTP forwarder on 127.0.0.1 that counts every request passing
// through it. The ECR stand-in records a call only after its signature and key
// checks pass, so a test that must prove "exactly one request reached AWS" for
// a refused key counts here, in front of it.
import { request } from 'node:http';
import { startLoopbackServer } from '../../stand-ins/start-loopback-server.js';

export interface CountingProxy {
  /** `http://127.0.0.1:PORT`, to use in place of the target's URL. */
  readonly url: string;
  /** Requests received so far. */
  count(): number;
  close(): Promise<void>;
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  let count = 0;
  const server = await startLoopbackServer(async (req, res) => {
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
  return { url: `http://127.0.0.1:${server.port}`, count: () => count, close: () => server.close() };
}
