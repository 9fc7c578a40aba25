// scripts/release end to end, as a release is made, against a real OCI registry on 127.0.0.1
// (crane registry serve): the image for linux/amd64 and linux/arm64 (built under qemu emulation on
// the other architecture) as one manifest list, its SBOM attested and its signature made with a
// test key, the chart pushed with the image pinned by digest. Then what users do with it: pull the
// image back by digest and run it on both architectures against the stand-ins, verify the
// signature and read the SBOM with cosign, and `helm install oci://...` on the real API server.
// The release is built once, in beforeAll; the tests read what it pushed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startEcrStandIn, type EcrStandIn } from '../../stand-ins/ecr-stand-in.js';
import { startSecretsApiStandIn, type SecretsApiStandIn } from '../../stand-ins/secrets-api-stand-in.js';
import { podman, podmanOk, standInSettings } from '../container/support/podman.js';
import { startOciRegistry, type OciRegistry } from '../pull/support/start-oci-registry.js';
import { ensureBuilt, ROOT } from '../support/ensure-built.js';
import { findTool } from '../support/find-tool.js';
import { freePort } from '../support/free-port.js';
import { runCommand, type CommandResult } from '../support/kube/run-command.js';
import { startKubeApiServer, type KubeApiServer } from '../support/kube/start-kube-api-server.js';
import { waitFor } from '../support/wait-for.js';
import { HOST_ARCH, LOCAL_BUILD_IMAGE, localRuntimeImage, OTHER_ARCH, PLATFORMS, toolEnv } from './support/release-env.js';

const { version: VERSION } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const HARDENED = ['--read-only', '--cap-drop=ALL', '--user', '10001:10001', '--network', 'host', '--security-opt', 'no-new-privileges'];
// The key's passphrase reaches cosign through its environment only.
const COSIGN = { COSIGN_PASSWORD: 'release-test-key-passphrase' };

interface ReleaseRecord {
  version: string;
  image: string;
  digest: string;
  chart: string;
  chartDigest: string;
  npmTarball: string;
  sbom: { packages: number };
}

let registry: OciRegistry;
let ecr: EcrStandIn;
let api: SecretsApiStandIn;
let work: string;
let release: ReleaseRecord;
let repository: string;
let releaseError: unknown;

const run = (tool: string, args: string[], timeoutMs = 120_000, env: Record<string, string> = {}) =>
  runCommand(findTool(tool), args, { env: toolEnv(env), timeoutMs });
const ok = (result: CommandResult, what: string) => {
  expect(result.code, `${what}:\n${result.stderr.slice(-3000)}\n${result.stdout.slice(-1000)}`).toBe(0);
  return result.stdout;
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ecr-token-refresher-release-'));
  await ensureBuilt();
  [registry, ecr, api] = await Promise.all([startOciRegistry(), startEcrStandIn(), startSecretsApiStandIn()]);
  repository = `${registry.address}/pipecat-ai/ecr-token-refresher`;
  try {
    const keys = await runCommand(findTool('cosign'), ['generate-key-pair', '--output-key-prefix', join(work, 'cosign')], { env: toolEnv(COSIGN) });
    if (keys.code !== 0) throw new Error(`cosign generate-key-pair: ${keys.stderr}`);
    const started = Date.now();
    const result = await runCommand(
      join(ROOT, 'scripts', 'release'),
      [
        VERSION,
        '--registry', `${registry.address}/pipecat-ai`,
        '--plain-http',
        '--prebuilt',
        '--out', join(work, 'out'),
        '--key', join(work, 'cosign.key'),
        '--build-base', LOCAL_BUILD_IMAGE,
        ...PLATFORMS.flatMap((platform) => ['--runtime-base', `${platform}=${localRuntimeImage(platform.split('/')[1]!)}`]),
        // npm inside the build reaches the registry through this machine's CA bundle, when it has one.
        ...(existsSync(CA_BUNDLE) ? ['--ca-bundle', CA_BUNDLE] : []),
      ],
      { env: toolEnv(COSIGN), timeoutMs: 1_200_000 },
    );
    if (result.code !== 0) throw new Error(`scripts/release exited ${result.code}:\n${result.stderr.slice(-4000)}\n${result.stdout.slice(-2000)}`);
    console.info(`scripts/release took ${Math.round((Date.now() - started) / 1000)}s:\n${result.stdout}`);
    release = JSON.parse(readFileSync(join(work, 'out', 'release.json'), 'utf8'));
  } catch (error) {
    // Reported by every test below, with its output, rather than as a bare hook error.
    releaseError = error;
  }
}, 1_260_000);

afterAll(async () => {
  await Promise.all([registry?.stop(), ecr?.close(), api?.close()]);
  if (work) rmSync(work, { recursive: true, force: true });
});

function released(): ReleaseRecord {
  if (releaseError) throw releaseError;
  return release;
}

/** This file's settings for a container run against its stand-ins. */
const settings = (extra: Record<string, string> = {}) => standInSettings({ ecr, api }, 'AKIARELEASETESTEXAMPL', extra);

/** Pulls the released manifest list by digest for one architecture; returns the local image id. */
const pulled = new Map<string, string>();
async function pullByDigest(imageArch: string): Promise<string> {
  const { digest } = released();
  if (!pulled.has(imageArch)) {
    const out = await podmanOk(['pull', '--quiet', '--tls-verify=false', '--platform', `linux/${imageArch}`, `${repository}@${digest}`], { timeoutMs: 300_000 });
    pulled.set(imageArch, out.trim().split('\n').at(-1)!);
  }
  return pulled.get(imageArch)!;
}

/** The manifest of one platform of the released list. */
async function platformManifest(platform: string) {
  const { digest } = released();
  const index = JSON.parse(ok(await run('crane', ['manifest', '--insecure', `${repository}@${digest}`]), 'crane manifest'));
  const entry = index.manifests.find((m: any) => `${m.platform.os}/${m.platform.architecture}` === platform);
  const manifest = JSON.parse(ok(await run('crane', ['manifest', '--insecure', `${repository}@${entry.digest}`]), 'crane manifest'));
  return { digest: entry.digest as string, manifest };
}

/** /app/dist/cli.js as it is inside one platform's image in the registry. */
async function bundleInImage(platform: string): Promise<Buffer> {
  const { digest } = await platformManifest(platform);
  const dir = join(work, `fs-${platform.replace('/', '-')}`);
  mkdirSync(dir, { recursive: true });
  ok(await run('crane', ['export', '--insecure', `${repository}@${digest}`, join(dir, 'fs.tar')], 300_000), 'crane export');
  ok(await runCommand('tar', ['-C', dir, '-xf', join(dir, 'fs.tar'), 'app/dist/cli.js']), 'tar -x app/dist/cli.js');
  return readFileSync(join(dir, 'app', 'dist', 'cli.js'));
}

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

describe('scripts/release against a registry on 127.0.0.1', () => {
  it('pushes one manifest list for linux/amd64 and linux/arm64 under the version tag, addressed by its digest', async () => {
    const { digest, image } = released();
    expect(image).toBe(`${repository}:${VERSION}`);
    expect(ok(await run('crane', ['digest', '--insecure', image]), 'crane digest').trim()).toBe(digest);
    const index = JSON.parse(ok(await run('crane', ['manifest', '--insecure', `${repository}@${digest}`]), 'crane manifest'));
    expect(index.manifests.map((m: any) => `${m.platform.os}/${m.platform.architecture}`).sort()).toEqual([...PLATFORMS]);
    for (const platform of PLATFORMS) {
      const { manifest } = await platformManifest(platform);
      const compressed = manifest.layers.reduce((sum: number, layer: any) => sum + layer.size, 0);
      const config = JSON.parse(ok(await run('crane', ['config', '--insecure', `${repository}@${(await platformManifest(platform)).digest}`]), 'crane config'));
      expect(`${config.os}/${config.architecture}`).toBe(platform);
      expect(config.config.Labels['org.opencontainers.image.version']).toBe(VERSION);
      console.info(`image ${platform}: ${(compressed / 1e6).toFixed(1)} MB compressed in the registry`);
    }
  });

  describe(`the ${OTHER_ARCH} image, pulled back by digest, under emulation`, () => {
    it(`is a linux/${OTHER_ARCH} image, prints its version and starts from the code cache its own node wrote`, async () => {
      const id = await pullByDigest(OTHER_ARCH);
      expect((await podmanOk(['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', id])).trim()).toBe(`linux/${OTHER_ARCH}`);
      const started = Date.now();
      const version = await podman(['run', '--rm', ...HARDENED, '-e', 'NODE_DEBUG_NATIVE=COMPILE_CACHE', id, '--version'], { timeoutMs: 120_000 });
      console.info(`--version of the ${OTHER_ARCH} image under emulation: ${Date.now() - started} ms`);
      expect(version.code, version.stderr).toBe(0);
      expect(version.stdout).toContain(VERSION);
      // Node keys the cache by version, architecture and user: a cache written by another
      // architecture's node would be looked up under another name and the bundle compiled anew.
      const nodeArch = OTHER_ARCH === 'amd64' ? 'x64' : 'arm64';
      expect(version.stdout + version.stderr).toMatch(new RegExp(`reading cache from /app/compile-cache/v[\\d.]+-${nodeArch}-[0-9a-f]+-10001/.*success`));
      expect(version.stdout + version.stderr).toMatch(/V8 code cache for ESM file:\/\/\/app\/dist\/cli\.js was accepted/);
      expect(version.stdout + version.stderr).not.toMatch(/rejected|mismatch/);
    }, 180_000);

    it('--once fills the secret set against the stand-ins and exits 0, hardened as in a cluster', async () => {
      const id = await pullByDigest(OTHER_ARCH);
      const { flags, env } = settings({ PCC_SECRET_SET: `release-${OTHER_ARCH}-once`, METRICS_PORT: '0' });
      const once = await podman(['run', '--rm', ...HARDENED, ...flags, id, '--once'], { env, timeoutMs: 180_000 });
      expect(once.code, `${once.stdout}\n${once.stderr}`).toBe(0);
      const set = api.getSet(`release-${OTHER_ARCH}-once`);
      expect(set?.status).toBe('ready');
      expect(set?.secretValue).toBe(ecr.issued.at(-1)!.authorizationToken);
      expect(once.stdout + once.stderr).not.toContain(ecr.issued.at(-1)!.password);
    }, 200_000);

    it('as a daemon serves /healthz and passes its own health check', async () => {
      const id = await pullByDigest(OTHER_ARCH);
      const port = await freePort();
      const name = `ecr-token-refresher-release-${process.pid}`;
      const { flags, env } = settings({ PCC_SECRET_SET: `release-${OTHER_ARCH}-daemon`, METRICS_PORT: String(port) });
      await podmanOk(['run', '--detach', '--name', name, ...HARDENED, ...flags, id], { env });
      try {
        await waitFor(() => api.getSet(`release-${OTHER_ARCH}-daemon`)?.status === 'ready', { what: 'the emulated daemon to fill its set', timeoutMs: 120_000 });
        expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
        const check = await podman(['healthcheck', 'run', name], { timeoutMs: 60_000 });
        expect(check.code, check.stdout + check.stderr).toBe(0);
      } finally {
        await podman(['rm', '--force', '--time', '0', name]);
      }
    }, 200_000);
  });

  it(`the ${HOST_ARCH} image, pulled back by digest, fills a secret set with --once`, async () => {
    const id = await pullByDigest(HOST_ARCH);
    expect((await podmanOk(['image', 'inspect', '--format', '{{.Architecture}}', id])).trim()).toBe(HOST_ARCH);
    const { flags, env } = settings({ PCC_SECRET_SET: `release-${HOST_ARCH}-once`, METRICS_PORT: '0' });
    const once = await podman(['run', '--rm', ...HARDENED, ...flags, id, '--once'], { env, timeoutMs: 60_000 });
    expect(once.code, `${once.stdout}\n${once.stderr}`).toBe(0);
    expect(api.getSet(`release-${HOST_ARCH}-once`)?.status).toBe('ready');
  }, 120_000);

  describe('the SBOM attested to the manifest list', () => {
    let sbom: any;
    beforeAll(async () => {
      if (releaseError) return;
      const verified = await run(
        'cosign',
        ['verify-attestation', '--key', join(work, 'cosign.pub'), '--type', 'cyclonedx', '--insecure-ignore-tlog', '--allow-http-registry', `${repository}@${release.digest}`],
      );
      if (verified.code !== 0) throw new Error(`cosign verify-attestation: ${verified.stderr}`);
      const statement = JSON.parse(Buffer.from(JSON.parse(verified.stdout.trim().split('\n')[0]!).payload, 'base64').toString('utf8'));
      expect(statement.subject[0].digest.sha256).toBe(release.digest.slice('sha256:'.length));
      sbom = statement.predicate;
    }, 120_000);

    it('verifies with the release key and describes the bundle that is in both images and the npm package, byte for byte', async () => {
      const { npmTarball } = released();
      expect(sbom.bomFormat).toBe('CycloneDX');
      expect(sbom.metadata.component).toMatchObject({ name: 'ecr-token-refresher', version: VERSION });
      const recorded = sbom.metadata.component.hashes[0].content;
      expect(recorded).toBe(sha256(readFileSync(join(ROOT, 'dist', 'cli.js'))));
      for (const platform of PLATFORMS) expect(sha256(await bundleInImage(platform)), platform).toBe(recorded);
      expect(npmTarball).toBe(join(work, 'out', `ecr-token-refresher-${VERSION}.tgz`));
      const packed = spawnSync('tar', ['-xzOf', npmTarball, 'package/dist/cli.js'], { maxBuffer: 64 * 1024 * 1024 });
      expect(packed.status, String(packed.stderr)).toBe(0);
      expect(sha256(packed.stdout)).toBe(recorded);
    }, 300_000);

    it('lists every npm package whose code is in the bundle, at its installed version, with its licence, and no other', () => {
      released();
      // The bundle's source map names every file that contributed code: an account of the bundle
      // independent of the metafile the SBOM is written from.
      const map = JSON.parse(readFileSync(join(ROOT, 'dist', 'cli.js.map'), 'utf8')) as { sources: string[] };
      const inBundle = new Set<string>();
      for (const source of map.sources) {
        const parts = source.split('/');
        const at = parts.lastIndexOf('node_modules');
        if (at < 0) continue;
        const dir = parts.slice(0, at + (parts[at + 1]!.startsWith('@') ? 3 : 2)).join('/').replace(/^(\.\.\/)+/, '');
        const pkg = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'));
        inBundle.add(`${pkg.name}@${pkg.version}`);
      }
      const libraries = sbom.components.filter((c: any) => c.type === 'library');
      const listed = libraries.map((c: any) => `${c.group ? `${c.group}/` : ''}${c.name}@${c.version}`);
      expect(listed.sort()).toEqual([...inBundle].sort());
      expect(listed).toEqual(expect.arrayContaining([expect.stringMatching(/^@aws-sdk\/client-ecr@/), expect.stringMatching(/^pino@/), expect.stringMatching(/^prom-client@/), expect.stringMatching(/^undici@/)]));
      // Build tools are not in the bundle, so not in the SBOM.
      expect(listed.filter((p: string) => /^(vitest|typescript|esbuild|tsx)@/.test(p))).toEqual([]);
      for (const library of libraries) expect(library.licenses?.length, library.name).toBeGreaterThan(0);
      console.info(`SBOM: ${libraries.length} npm packages in the bundle`);
      expect(released().sbom.packages).toBe(libraries.length);
    });

    it('names the runtime base image of each platform by its digest', async () => {
      released();
      const bases = sbom.components.filter((c: any) => c.type === 'container');
      for (const platform of PLATFORMS) {
        const local = localRuntimeImage(platform.split('/')[1]!);
        const digest = (await podmanOk(['image', 'inspect', '--format', '{{.Digest}}', local])).trim();
        const base = bases.find((b: any) => b.properties.some((p: any) => p.value === platform));
        expect(base, platform).toMatchObject({ name: local.replace(/:[^/]*$/, ''), version: digest });
      }
    });
  });

  describe('the chart in the registry', () => {
    const chartArgs = () => [`${released().chart}`, '--version', VERSION, '--plain-http'];

    it(`carries package.json's version as version and appVersion, and the image pinned by the release digest`, async () => {
      const chart = parse(ok(await run('helm', ['show', 'chart', ...chartArgs()]), 'helm show chart'));
      expect(chart).toMatchObject({ name: 'ecr-token-refresher', version: VERSION, appVersion: VERSION });
      const values = parse(ok(await run('helm', ['show', 'values', ...chartArgs()]), 'helm show values'));
      expect(values.image).toMatchObject({ repository, digest: released().digest });
      const readme = ok(await run('helm', ['show', 'readme', ...chartArgs()]), 'helm show readme');
      expect(readme).toContain(`helm install ecr-token-refresher oci://ghcr.io/pipecat-ai/charts/ecr-token-refresher --version ${VERSION}`);
    });

    describe('installed with helm install oci://... on a real API server', () => {
      let kube: KubeApiServer;
      beforeAll(async () => {
        if (releaseError) return;
        kube = await startKubeApiServer();
        ok(await kube.kubectl(['create', 'namespace', 'ecr']), 'kubectl create namespace');
      }, 120_000);
      afterAll(() => kube?.stop());

      it('runs the released image by digest', async () => {
        const { chart, digest } = released();
        const install = await run('helm', [
          'install', 'ecr-token-refresher', chart, '--version', VERSION, '--plain-http', `--kubeconfig=${kube.adminKubeconfig}`,
          '--namespace', 'ecr', '--set', 'pipecatApiKey.value=pk_release_not_real', '--set', 'aws.region=us-east-1', '--set', 'secretSet=ecr-prod',
        ]);
        ok(install, 'helm install oci://');
        const deployment = JSON.parse(ok(await kube.kubectl(['get', 'deployment', 'ecr-token-refresher', '-n', 'ecr', '-o', 'json']), 'kubectl get deployment'));
        expect(deployment.spec.template.spec.containers[0].image).toBe(`${repository}@${digest}`);
        const list = JSON.parse(ok(await run('helm', ['list', '-n', 'ecr', '-o', 'json', `--kubeconfig=${kube.adminKubeconfig}`]), 'helm list'));
        expect(list).toEqual([expect.objectContaining({ name: 'ecr-token-refresher', status: 'deployed', chart: `ecr-token-refresher-${VERSION}`, app_version: VERSION })]);
      }, 180_000);
    });
  });

  it('writes the release notes from the version\'s CHANGELOG.md section, with the digest to install and verify', () => {
    const { digest } = released();
    const notes = readFileSync(join(work, 'out', 'release-notes.md'), 'utf8');
    const changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
    const section = changelog.split(`## [${VERSION}]`)[1]!.split('\n## [')[0]!;
    const firstEntry = section.split('\n').find((line) => line.startsWith('- '))!;
    expect(notes).toContain(firstEntry);
    expect(notes).toContain(`cosign verify ${repository}@${digest}`);
    expect(notes).toContain(`helm install ecr-token-refresher oci://${registry.address}/pipecat-ai/charts/ecr-token-refresher --version ${VERSION}`);
  });

  // Last: it replaces what the version tag points at.
  it('has a signature that verifies for the pushed digest, and a tag moved to another image fails verification', async () => {
    const { digest, image } = released();
    const verify = (ref: string) =>
      run('cosign', ['verify', '--key', join(work, 'cosign.pub'), '--insecure-ignore-tlog', '--allow-http-registry', ref]);
    const good = await verify(image);
    expect(good.code, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout)[0].critical.image['docker-manifest-digest']).toBe(digest);
    // Someone with push rights to the registry moves the tag to an image of their own.
    const layerDir = join(work, 'tampered');
    mkdirSync(join(layerDir, 'app'), { recursive: true });
    writeFileSync(join(layerDir, 'app', 'cli.js'), 'console.log("not the release")\n');
    ok(await runCommand('tar', ['-C', layerDir, '-cf', join(work, 'tampered.tar'), 'app']), 'tar');
    ok(await run('crane', ['append', '--insecure', '-f', join(work, 'tampered.tar'), '-t', image]), 'crane append');
    expect(ok(await run('crane', ['digest', '--insecure', image]), 'crane digest').trim()).not.toBe(digest);
    const tampered = await verify(image);
    expect(tampered.code).not.toBe(0);
    expect(tampered.stderr).toMatch(/no signatures found|no matching signatures/i);
    // The release itself, by digest, still verifies.
    expect((await verify(`${repository}@${digest}`)).code).toBe(0);
  }, 120_000);
});
