// The image: built from the Dockerfile with podman (test/container/support), its size and the
// project's own layers, what its final base holds, and the daemon inside it after an idle
// stretch — the container's memory as Kubernetes counts it (cgroup working set).
import { setTimeout as sleep } from 'node:timers/promises';
import { buildImage, imageFiles, imageFootprint, type ImageFootprint } from '../test/container/support/build-image.js';
import { podman, podmanOk } from '../test/container/support/podman.js';
import { waitFor } from '../test/support/wait-for.js';
import type { Endpoints } from './bench-env.js';
import { readCgroupMemory, type CgroupMemory } from './read-cgroup-memory.js';
import { readProcStats } from './read-proc-stats.js';

export const BENCH_TAG = 'localhost/ecr-token-refresher:bench';

export interface ImageContents extends ImageFootprint {
  npm: boolean;
  packageManager: boolean;
  shell: boolean;
  nodeModules: boolean;
}

export async function benchImage(): Promise<ImageContents> {
  await buildImage(BENCH_TAG);
  const files = await imageFiles(BENCH_TAG);
  const has = (pattern: RegExp) => files.some((f) => pattern.test(f));
  return {
    ...(await imageFootprint(BENCH_TAG)),
    npm: has(/(^|\/)(npm|npx)(\/|$)/),
    packageManager: has(/(^|\/)(apt|apt-get|dpkg|apk|microdnf|yum)$/),
    shell: has(/(^|\/)(sh|bash|dash|ash|busybox)$/),
    nodeModules: has(/(^|\/)node_modules(\/|$)/),
  };
}

export interface ContainerIdle {
  memory: CgroupMemory;
  /** The node process's own resident set (from the host's /proc). */
  nodeRssKb: number;
  requests: number;
}

export async function benchContainerIdle(options: {
  endpoints: Endpoints;
  secretSet: string;
  isReady: () => boolean;
  requestCount: () => number;
  settleSeconds: number;
  seconds: number;
}): Promise<ContainerIdle> {
  const env: Record<string, string> = {
    AWS_ACCESS_KEY_ID: 'AKIABENCHMARK0000001',
    AWS_SECRET_ACCESS_KEY: 'benchmark-secret-access-key-not-real',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_ECR: options.endpoints.ecrUrl,
    PCC_API_URL: options.endpoints.apiUrl,
    PCC_API_KEY: options.endpoints.apiKey,
    PCC_SECRET_SET: options.secretSet,
    REFRESH_SCHEDULE: '0 0 1 1 *',
    METRICS_HOST: '127.0.0.1',
    METRICS_PORT: '0',
  };
  const name = `ecr-token-refresher-bench-${process.pid}`;
  // As the chart runs it: read-only, no capabilities, uid 10001, host network for loopback only.
  await podmanOk(
    ['run', '--detach', '--name', name, '--read-only', '--cap-drop=ALL', '--user', '10001:10001', '--network', 'host', ...Object.keys(env).flatMap((k) => ['-e', k]), BENCH_TAG],
    { env },
  );
  try {
    await waitFor(options.isReady, { what: 'the containerised daemon to fill its set', timeoutMs: 60_000 });
    await sleep(options.settleSeconds * 1000);
    const before = options.requestCount();
    await sleep(options.seconds * 1000);
    const pid = Number((await podmanOk(['inspect', '--format', '{{.State.Pid}}', name])).trim());
    return { memory: readCgroupMemory(pid), nodeRssKb: readProcStats(pid).rssKb, requests: options.requestCount() - before };
  } finally {
    await podman(['rm', '--force', '--time', '0', name]);
  }
}
