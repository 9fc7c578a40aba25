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

// Ports are picked free a moment before etcd binds them; another process may take one in between
// (the test files start servers side by side), so a start that loses that race is tried again.
const ATTEMPTS = 3;

export async function startEtcd(tracker: ProcessTracker, dir: string): Promise<RunningEtcd> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startEtcdOnce(tracker, join(dir, `etcd-${attempt}`));
    } catch (error) {
      if (attempt >= ATTEMPTS || !isPortTaken(error)) throw error;
    }
  }
}

export const isPortTaken = (error: unknown) => /address already in use/i.test((error as Error).message);

async function startEtcdOnce(tracker: ProcessTracker, dataDir: string): Promise<RunningEtcd> {
  const binary = kubeBinary('etcd');
  const clientPort = await freePort();
  const peerPort = await freePort();
  const url = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const process = tracker.start(binary, [
    '--name=test', `--data-dir=${dataDir}`, '--unsafe-no-fsync', '--log-level=warn',
    `--listen-client-urls=${url}`, `--advertise-client-urls=${url}`,
    `--listen-peer-urls=${peer}`, `--initial-advertise-peer-urls=${peer}`, `--initial-cluster=test=${peer}`,
  ]);
  const exited = exitOf(process);
  try {
    await Promise.race([
      exited,
      waitFor(
        async () => {
          const response = await fetch(`${url}/health`);
          return response.ok && ((await response.json()) as { health?: string }).health === 'true';
        },
        { what: `etcd ${url}/health`, timeoutMs: 30_000, intervalMs: 100 },
      ),
    ]);
  } catch (error) {
    await process.stop();
    throw new Error(`${(error as Error).message}\netcd stderr:\n${process.stderr().slice(-2000)}`);
  }
  return { url, ports: [clientPort, peerPort], process };
}

/** Rejects as soon as the process exits, so a server that died is not waited for until a timeout. */
export function exitOf(process: TrackedProcess): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject(new Error(`${process.child.spawnfile} exited with code ${process.child.exitCode}`));
    if (process.child.exitCode !== null) fail();
    else process.child.once('exit', fail);
  });
}
