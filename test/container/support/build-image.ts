// Builds the project's Dockerfile with podman from the local bases that
// scripts/test-tools/container.sh makes (no registry can be pulled from), on the host network.
// podman's layer cache makes a rebuild of unchanged sources take seconds.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ROOT } from '../../support/ensure-built.js';
import { newestPinnedNode } from '../../support/pinned-node.js';
import { assertPodmanWorks, CONTAINERS_CONF, podmanOk } from './podman.js';

/** The Node release of the local bases: container.sh tags them with NODE_NEWEST too. */
export const LOCAL_NODE_VERSION = newestPinnedNode();
export const LOCAL_BUILD_IMAGE = `localhost/ecr-token-refresher/node-build:${LOCAL_NODE_VERSION}`;
export const LOCAL_RUNTIME_IMAGE = `localhost/ecr-token-refresher/node-distroless:${LOCAL_NODE_VERSION}`;
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

export async function buildImage(tag: string): Promise<string> {
  await assertPodmanWorks();
  for (const base of [LOCAL_BUILD_IMAGE, LOCAL_RUNTIME_IMAGE]) {
    const exists = await podmanOk(['images', '--quiet', base]);
    if (exists.trim() === '') throw new Error(`base image ${base} is missing: run scripts/test-tools/container.sh`);
  }
  // npm inside the build reaches the registry through this machine's CA bundle, when it has one.
  const ca = existsSync(CA_BUNDLE) ? ['--build-arg', `NODE_EXTRA_CA_CERTS=${CA_BUNDLE}`, '--volume', `${CA_BUNDLE}:${CA_BUNDLE}:ro`] : [];
  await podmanOk(
    [
      'build',
      // HEALTHCHECK survives only in the docker image format.
      '--format', 'docker',
      '--network', 'host',
      '--build-arg', `BUILD_IMAGE=${LOCAL_BUILD_IMAGE}`,
      '--build-arg', `RUNTIME_IMAGE=${LOCAL_RUNTIME_IMAGE}`,
      ...ca,
      '--tag', tag,
      ROOT,
    ],
    { timeoutMs: 600_000 },
  );
  return tag;
}

export interface ImageFootprint {
  /** The whole image, bytes. */
  sizeBytes: number;
  /** Bytes of the layers on top of the runtime base: what the project adds. */
  ownLayersBytes: number;
  baseBytes: number;
}

export async function imageFootprint(tag: string): Promise<ImageFootprint> {
  const size = async (image: string) => Number((await podmanOk(['image', 'inspect', '--format', '{{.Size}}', image])).trim());
  const sizeBytes = await size(tag);
  const baseBytes = await size(LOCAL_RUNTIME_IMAGE);
  return { sizeBytes, baseBytes, ownLayersBytes: sizeBytes - baseBytes };
}

/** Every path in the image's filesystem (without the leading slash), from `podman export`. */
export async function imageFiles(tag: string): Promise<string[]> {
  const id = (await podmanOk(['create', tag])).trim();
  try {
    const listing = spawnSync('sh', ['-c', `podman export ${id} | tar -t`], {
      env: { ...process.env, CONTAINERS_CONF },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (listing.status !== 0) throw new Error(`podman export ${id} | tar -t failed: ${listing.stderr}`);
    return listing.stdout.split('\n').filter(Boolean).map((p) => p.replace(/^\.?\//, ''));
  } finally {
    await podmanOk(['rm', '--force', id]);
  }
}
