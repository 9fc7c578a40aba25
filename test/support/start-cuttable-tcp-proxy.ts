// A TCP forwarder on 127.0.0.1 that can cut the network: `cut()` resets every open connection
// and every new one until `restore()`, as a lost route or a dropping firewall does to a client
// that is mid-request. Bytes pass through untouched (TLS included), so a client pointed at it
// talks to the target as before, certificate checks and all.
import { connect, createServer, type Socket } from 'node:net';

export interface CuttableTcpProxy {
  /** The port clients connect to instead of the target's. */
  readonly port: number;
  /** Resets every open connection and refuses new ones until restore(). */
  cut(): void;
  restore(): void;
  readonly isCut: boolean;
  /** Connections reset by a cut so far, open or new. */
  readonly dropped: number;
  close(): Promise<void>;
}

export async function startCuttableTcpProxy(target: { host: string; port: number }): Promise<CuttableTcpProxy> {
  const open = new Set<Socket>();
  let isCut = false;
  let dropped = 0;
  const drop = (socket: Socket) => {
    dropped += 1;
    socket.resetAndDestroy();
  };
  const server = createServer((client) => {
    client.on('error', () => client.destroy());
    if (isCut) {
      drop(client);
      return;
    }
    const upstream = connect(target.port, target.host);
    upstream.on('error', () => client.destroy());
    client.on('close', () => {
      upstream.destroy();
      open.delete(client);
    });
    upstream.on('close', () => client.destroy());
    open.add(client);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('TCP proxy has no port');
  return {
    port: address.port,
    cut() {
      isCut = true;
      for (const socket of open) drop(socket);
      open.clear();
    },
    restore() {
      isCut = false;
    },
    get isCut() {
      return isCut;
    },
    get dropped() {
      return dropped;
    },
    close() {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
