// A forwarder for an ECR endpoint that moves every `expiresAt` in a
// GetAuthorizationToken reply to a given time and leaves the rest of the reply
// byte for byte. moto answers every token with a fixed expiry of 2015-01-01,
// which the refresher rightly refuses; through this proxy, moto's own token,
// endpoint and wire format reach a process whose clock cannot be set.
import { request } from 'node:http';
import { startLoopbackServer } from '../../../stand-ins/start-loopback-server.js';

export async function startExpiryMovingProxy(target: string, expiresAt: () => Date): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const server = await startLoopbackServer(async (req, res) => {
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (reply) => {
        const chunks: Buffer[] = [];
        reply.on('data', (chunk: Buffer) => chunks.push(chunk));
        reply.on('end', () => {
          let body = Buffer.concat(chunks).toString('utf8');
          const seconds = expiresAt().getTime() / 1000;
          body = body.replace(/("expiresAt"\s*:\s*)[0-9.eE+-]+/g, `$1${seconds}`);
          const headers = { ...reply.headers, 'content-length': String(Buffer.byteLength(body)) };
          delete headers['transfer-encoding'];
          res.writeHead(reply.statusCode ?? 502, headers).end(body);
        });
      },
    );
    forward.once('error', () => res.destroy());
    req.pipe(forward);
  });
  return { url: `http://127.0.0.1:${server.port}`, close: () => server.close() };
}
