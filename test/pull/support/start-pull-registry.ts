// One ECR registry to pull from in a test: the ECR-like front (stand-ins/ecr-registry.ts) for an
// account and region, over a real OCI registry that holds a freshly pushed test image, with a
// certificate for the registry's name. `pull` runs a real client with a docker config document.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EcrStandIn } from '../../../stand-ins/ecr-stand-in.js';
import { startEcrRegistry, type EcrRegistry } from '../../../stand-ins/ecr-registry.js';
import { createRegistryCertificate } from './create-registry-certificate.js';
import { pullWith, type PullClient, type PullResult } from './pull-with.js';
import type { OciRegistry, TestImage } from './start-oci-registry.js';

export interface PullRegistry {
  front: EcrRegistry;
  image: TestImage;
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>` */
  ref: string;
  /** Pulls the test image with `client`, reading credentials only from `dockerConfig`. */
  pull(client: PullClient, dockerConfig: string): Promise<PullResult>;
  close(): Promise<void>;
}

export async function startPullRegistry(options: {
  oci: OciRegistry;
  image: TestImage;
  ecr: Pick<EcrStandIn, 'issued'>;
  accountId: string;
  region: string;
  /** The registry's clock for token expiry, epoch ms. Default Date.now. */
  now?: () => number;
}): Promise<PullRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'ecr-registry-'));
  try {
    const host = `${options.accountId}.dkr.ecr.${options.region}.amazonaws.com`;
    const certificate = createRegistryCertificate(dir, [host]);
    const front = await startEcrRegistry({
      accountId: options.accountId,
      region: options.region,
      upstream: options.oci.url,
      tokens: options.ecr,
      tls: { cert: certificate.cert, key: certificate.key },
      now: options.now,
    });
    const ref = `${front.host}/${options.image.name}`;
    return {
      front,
      image: options.image,
      ref,
      pull: (client, dockerConfig) => pullWith(client, ref, dockerConfig, { proxyUrl: front.url, caFile: certificate.caFile }, options.image.file),
      async close() {
        await front.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
