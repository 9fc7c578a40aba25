// Builds the image from the project's Dockerfile with podman (host networking, local bases) and
// runs it the way a cluster does: read-only root filesystem, no capabilities, uid 10001, against
// the stand-ins on 127.0.0.1. When podman cannot run here the tests fail and say why.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEcrStandIn, type EcrStandIn } from '../../stand-ins/ecr-stand-in.js';
import { startSecretsApiStandIn, type SecretsApiStandIn } from '../../stand-ins/secrets-api-stand-in.js';
import { freePort } from '../support/free-port.js';
import { ROOT } from '../support/root.js';
import { waitFor } from '../support/wait-for.js';
import { buildImage, imageFiles, imageFootprint, LOCAL_BUILD_IMAGE, LOCAL_NODE_VERSION } from './support/build-image.js';
import { podman, podmanOk, standInSettings } from './support/podman.js';

const TAG = 'localhost/ecr-token-refresher:test';
const HARDENED = ['--read-only', '--cap-drop=ALL', '--user', '10001:10001', '--network', 'host', '--security-opt', 'no-new-privileges'];

let ecr: EcrStandIn;
let api: SecretsApiStandIn;
let buildError: unknown;

beforeAll(async () => {
  [ecr, api] = await Promise.all([startEcrStandIn(), startSecretsApiStandIn()]);
  // A build failure is reported by every test below rather than as a hook error without context.
  await buildImage(TAG).catch((error: unknown) => (buildError = error));
}, 660_000);

afterAll(async () => {
  await Promise.all([ecr?.close(), api?.close()]);
});

function built() {
  if (buildError) throw buildError;
}

/** This file's settings for a container run against its stand-ins. */
const settings = (extra: Record<string, string> = {}) => standInSettings({ ecr, api }, 'AKIAIMAGETESTEXAMPLE', extra);

/** A base image's default in the Dockerfile (`ARG NAME=...`). */
function dockerfileDefault(name: string): string {
  const value = new RegExp(`^ARG ${name}=(\\S+)$`, 'm').exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))?.[1];
  if (!value) throw new Error(`the Dockerfile has no ARG ${name}=<image> line`);
  return value;
}

/** Node's version and /etc/os-release's fields, printed by the node of `image` (no shell needed). */
async function nodeAndDebian(image: string, node: string): Promise<{ node: string; os: Record<string, string> }> {
  const script = 'console.log(JSON.stringify({ node: process.version, osRelease: require("fs").readFileSync("/etc/os-release", "utf8") }))';
  const run = await podmanOk(['run', '--rm', ...HARDENED, '--entrypoint', node, image, '-e', script]);
  const { node: version, osRelease } = JSON.parse(run) as { node: string; osRelease: string };
  const os = Object.fromEntries(osRelease.split('\n').flatMap((line) => {
    const [, key, value] = /^(\w+)="?([^"]*)"?$/.exec(line) ?? [];
    return key ? [[key, value!]] : [];
  }));
  return { node: version, os };
}

describe('the image built from the Dockerfile', () => {
  it('runs the Node major and Debian release of the Dockerfile\'s default runtime base, at the newest pinned Node release', async () => {
    built();
    const [, major, debian] = /\/nodejs(\d+)-debian(\d+)[:@]/.exec(dockerfileDefault('RUNTIME_IMAGE')) ?? [];
    expect(major, 'RUNTIME_IMAGE names a distroless nodejs<major>-debian<release> image').toBeDefined();
    const inside = await nodeAndDebian(TAG, '/nodejs/bin/node');
    expect(inside.node).toBe(`v${LOCAL_NODE_VERSION}`);
    expect(inside.node.split('.')[0]).toBe(`v${major}`);
    expect(inside.os.ID).toBe('debian');
    expect(inside.os.VERSION_ID).toBe(debian);
  });

  it('is bundled on the Node major and Debian release of the Dockerfile\'s default build base', async () => {
    built();
    const [, major, codename] = /\/node:(\d+)-(\w+)-slim$/.exec(dockerfileDefault('BUILD_IMAGE')) ?? [];
    expect(major, 'BUILD_IMAGE names a node:<major>-<codename>-slim image').toBeDefined();
    const build = await nodeAndDebian(LOCAL_BUILD_IMAGE, 'node');
    expect(build.node).toBe(`v${LOCAL_NODE_VERSION}`);
    expect(build.node.split('.')[0]).toBe(`v${major}`);
    expect(build.os.ID).toBe('debian');
    expect(build.os.VERSION_CODENAME).toBe(codename);
  });

  it('carries node, the bundle and nothing to install or run other programs with', async () => {
    built();
    const files = await imageFiles(TAG);
    expect(files).toContain('nodejs/bin/node');
    expect(files).toContain('app/dist/cli.js');
    const forbidden = files.filter((f) => /(^|\/)(node_modules|npm|npx|sh|bash|dash|apt|apt-get|dpkg|busybox)(\/|$)/.test(f));
    expect(forbidden).toEqual([]);
    const footprint = await imageFootprint(TAG);
    // Recorded with the run; npm run bench prints the same figures in its table.
    console.info(
      `image ${TAG}: ${(footprint.sizeBytes / 1e6).toFixed(1)} MB, base ${(footprint.baseBytes / 1e6).toFixed(1)} MB, ` +
        `own layers ${(footprint.ownLayersBytes / 1e6).toFixed(2)} MB`,
    );
    expect(footprint.ownLayersBytes).toBeGreaterThan(0);
  });

  it('--once fills the secret set, sees it ready and exits 0, read-only, without capabilities, as uid 10001', async () => {
    built();
    const { flags, env } = settings({ PCC_SECRET_SET: 'image-once', METRICS_PORT: '0' });
    const run = await podman(['run', '--rm', ...HARDENED, ...flags, TAG, '--once'], { env });
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    const set = api.getSet('image-once');
    expect(set?.status).toBe('ready');
    const token = ecr.issued.at(-1)!;
    expect(set?.secretValue).toBe(token.authorizationToken);
    expect(run.stdout).toMatch(/"msg":"one-shot run finished"/);
    for (const secret of [token.password, api.apiKey, env.AWS_SECRET_ACCESS_KEY!]) expect(run.stdout + run.stderr).not.toContain(secret);
  });

  describe('as a daemon', () => {
    let name: string;
    let port: number;

    beforeAll(async () => {
      if (buildError) return;
      port = await freePort();
      name = `ecr-token-refresher-test-${process.pid}`;
      const { flags, env } = settings({ PCC_SECRET_SET: 'image-daemon', METRICS_PORT: String(port) });
      await podmanOk(['run', '--detach', '--name', name, ...HARDENED, ...flags, TAG], { env });
    }, 60_000);

    afterAll(async () => {
      if (name) await podman(['rm', '--force', '--time', '0', name]);
    });

    it('serves /healthz and /metrics on the metrics port and refreshes the set', async () => {
      built();
      await waitFor(() => api.getSet('image-daemon')?.status === 'ready', { what: 'the daemon to fill image-daemon', timeoutMs: 30_000 });
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toMatch(/^ecr_token_refresher_\w+/m);
      expect(metrics).not.toContain(ecr.issued.at(-1)!.password);
    });

    it('passes its own health check (exec form, no shell)', async () => {
      built();
      const check = await podman(['healthcheck', 'run', name]);
      expect(check.code, check.stdout + check.stderr).toBe(0);
    });

    it('drains on SIGTERM and exits 0', async () => {
      built();
      await podmanOk(['kill', '--signal', 'TERM', name]);
      const code = (await podmanOk(['wait', name], { timeoutMs: 60_000 })).trim();
      expect(code).toBe('0');
      const logs = await podmanOk(['logs', name]);
      expect(logs).toMatch(/"signal":"SIGTERM".*"msg":"stopping: finishing the refresh in flight"/);
      expect(logs).toMatch(/"drained":true.*"msg":"stopped"/);
    }, 70_000);
  });
});
