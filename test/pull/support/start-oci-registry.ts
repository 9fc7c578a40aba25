// A real OCI registry for a test file: `crane registry serve` (in memory, on a loopback port it
// picks itself), with a one-layer test image pushed into it by crane. The image holds one file
// whose text is unique to the run, so a pull can only match it by fetching these blobs.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTool } from '../../support/find-tool.js';
import { createProcessTracker } from '../../support/create-process-tracker.js';
import { runCommand } from '../../support/kube/run-command.js';
import { waitFor } from '../../support/wait-for.js';

export interface TestImage {
  /** Repository and tag, e.g. agents/voice-bot:v1 (no host). */
  name: string;
  /** The manifest digest the push reported, sha256:<hex>. */
  digest: string;
  /** The path of the one file in the image, and its text. */
  file: string;
  text: string;
}

export interface OciRegistry {
  /** 127.0.0.1:PORT */
  address: string;
  /** http://127.0.0.1:PORT */
  url: string;
  /** Pushes a one-layer image with a file of fresh text, straight to this registry. */
  pushTestImage(name: string): Promise<TestImage>;
  stop(): Promise<void>;
}

export async function startOciRegistry(): Promise<OciRegistry> {
  const crane = findTool('crane');
  const tracker = createProcessTracker();
  const dir = mkdtempSync(join(tmpdir(), 'oci-registry-'));
  const server = tracker.start(crane, ['registry', 'serve', '--address', '127.0.0.1:0'], { env: { PATH: process.env.PATH, HOME: dir } });
  const stop = async () => {
    await tracker.stopAll(5_000);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await waitFor(() => /serving on port (\d+)/.exec(server.stderr())?.[1], {
      what: `crane registry serve to name its port (stderr: ${server.stderr().slice(-500)})`,
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    const address = `127.0.0.1:${port}`;
    let pushed = 0;
    return {
      address,
      url: `http://${address}`,
      async pushTestImage(name) {
        pushed += 1;
        const root = join(dir, `layer-${pushed}`);
        const file = 'etc/pull-proof.txt';
        const text = `pulled through ECR's front: ${randomBytes(16).toString('hex')}\n`;
        mkdirSync(join(root, 'etc'), { recursive: true });
        writeFileSync(join(root, file), text);
        const layer = join(dir, `layer-${pushed}.tar`);
        const tar = await runCommand('tar', ['-C', root, '-cf', layer, 'etc']);
        if (tar.code !== 0) throw new Error(`tar of the test layer failed: ${tar.stderr}`);
        const push = await runCommand(crane, ['append', '--insecure', '-f', layer, '-t', `${address}/${name}`], { env: { PATH: process.env.PATH, HOME: dir } });
        const digest = /@(sha256:[0-9a-f]{64})/.exec(push.stdout)?.[1];
        if (push.code !== 0 || !digest) throw new Error(`crane append to ${address}/${name} failed (${push.code}): ${push.stderr}`);
        return { name, digest, file, text };
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
