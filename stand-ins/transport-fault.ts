// Faults that both stand-ins can inject below the level of their API: a bare
// status, a reset connection, a server that never answers or answers a byte
// at a time, a non-JSON body, a body far larger than any real reply.
import type { IncomingMessage, ServerResponse } from 'node:http';

export type TransportFault =
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'slowloris'; intervalMs?: number }
  | { kind: 'garbage'; body?: string }
  | { kind: 'oversized'; bytes?: number };

export const TRANSPORT_FAULT_KINDS = ['status', 'reset', 'hang', 'slowloris', 'garbage', 'oversized'] as const;

export function isTransportFault(fault: { kind: string }): fault is TransportFault {
  return (TRANSPORT_FAULT_KINDS as readonly string[]).includes(fault.kind);
}

export function applyTransportFault(
  req: IncomingMessage,
  res: ServerResponse,
  fault: TransportFault,
  reply: { contentType: string; defaultBody: (status: number) => unknown },
): void {
  switch (fault.kind) {
    case 'status': {
      const body = fault.body === undefined ? reply.defaultBody(fault.status) : fault.body;
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(fault.status, { 'content-type': reply.contentType, ...fault.headers });
      res.end(text);
      return;
    }
    case 'reset':
      // An RST, not a FIN, so the client sees ECONNRESET as with a dropped proxy.
      req.socket.resetAndDestroy();
      return;
    case 'hang':
      // Accept and say nothing; close() destroys the socket.
      return;
    case 'slowloris': {
      res.writeHead(200, { 'content-type': reply.contentType });
      res.write('{');
      const timer = setInterval(() => res.write(' '), fault.intervalMs ?? 1_000);
      res.once('close', () => clearInterval(timer));
      return;
    }
    case 'garbage':
      res.writeHead(200, { 'content-type': reply.contentType });
      res.end(fault.body ?? '<html><body><h1>502 Bad Gateway</h1></body></html>');
      return;
    case 'oversized': {
      const size = fault.bytes ?? 5 * 1024 * 1024;
      const padding = 'x'.repeat(Math.max(0, size - 16));
      res.writeHead(200, { 'content-type': reply.contentType });
      res.end(`{"padding":"${padding}"}`);
      return;
    }
  }
}
