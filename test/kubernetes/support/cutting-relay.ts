// A TCP relay to the API server whose connections can all be cut at once, as
// a restarted API server, a load balancer or a lost network path cuts them:
// TLS passes through untouched, so the client still talks to the real server.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface CuttingRelay {
  url: string;
  /** Resets every open connection; new ones are relayed as before. */
  cutAll(): number;
  /** While on, every new connection is reset at once (the server unreachable); off: relayed again. */
  refuse(on: boolean): void;
  close(): Promise<void>;
}

export async function startCuttingRelay(target: URL): Promise<CuttingRelay> {
  const sockets = new Set<Socket>();
  let refusing = false;
  const server: Server = createServer((client) => {
    if (refusing) {
      client.on('error', () => undefined);
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `https://127.0.0.1:${port}`,
    cutAll() {
      const count = sockets.size;
      for (const s of sockets) s.resetAndDestroy();
      return count;
    },
    refuse(on) {
      refusing = on;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
