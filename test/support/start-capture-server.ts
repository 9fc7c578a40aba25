// A loopback HTTP server that records every request it gets (method, path,
// headers, body) and answers 200 with an empty JSON object: a stand-in for an
// alert webhook or a Pushgateway when a test only needs to see what was sent.
import { startLoopbackServer } from '../../stand-ins/start-loopback-server.js';

export interface CapturedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** When it arrived, epoch ms. */
  at: number;
}

export interface CaptureServer {
  readonly url: string;
  readonly requests: CapturedRequest[];
  close(): Promise<void>;
}

export async function startCaptureServer(): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  const server = await startLoopbackServer(async (req, res) => {
    const at = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    requests.push({ method: req.method ?? '', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  return { url: `http://127.0.0.1:${server.port}`, requests, close: () => server.close() };
}
