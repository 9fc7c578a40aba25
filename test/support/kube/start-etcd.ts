// etcd on two free loopback ports (clients, peers) with its data in `dir`, for one test API
// server. fsync is off: the data is thrown away and the tests are faster without it.
import { join } from 'node:path';
import type { ProcessTracker, TrackedProcess } from '../create-process-tracker.js';
import { freePort } from '../free-port.js';
import { waitFor } from '../wait-for.js';
import { kubeBinary } from './kube-binary.js';

export interface RunningEtcd {
  url: string;
  ports: number[];
  process: TrackedProcess;
}

export async function startEtcd(tracker: ProcessTracker, dir: string): Promise<RunningEtcd> {
  const binary = kubeBinary('etcd');
  const clientPort = await freePort();
  const peerPort = await freePort();
  const url = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const process = tracker.start(binary, [
    '--name=test', `--data-dir=${join(dir, 'etcd')}`, '--unsafe-no-fsync', '--log-level=warn',
    `--listen-client-urls=${url}`, `--advertise-client-urls=${url}`,
    `--listen-peer-urls=${peer}`, `--initial-advertise-peer-urls=${peer}`, `--initial-cluster=test=${peer}`,
  ]);
  try {
    await waitFor(
      async () => {
        if (process.child.exitCode !== null) throw new Error(`etcd exited with code ${process.child.exitCode}`);
        const response = await fetch(`${url}/health`);
        return response.ok && ((await response.json()) as { health?: string }).health === 'true';
      },
      { what: `etcd ${url}/health`, timeoutMs: 30_000, intervalMs: 100 },
    );
  } catch (error) {
    await process.stop();
    throw new Error(`${(error as Error).message}\netcd stderr:\n${process.stderr().slice(-2000)}`);
  }
  return { url, ports: [clientPort, peerPort], process };
}
