// Pulls an image the way a user's tools would, with a docker config document handed over as
// bytes: `crane` reads it as $DOCKER_CONFIG/config.json, `skopeo` as its --authfile. Both reach
// the registry under its own name through the front's CONNECT proxy (HTTPS_PROXY) and verify
// its certificate against the test CA (SSL_CERT_FILE); nothing else of this machine's
// configuration is read (own HOME, an empty registries.conf, no signature policy).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTool } from '../../support/find-tool.js';
import { runCommand } from '../../support/kube/run-command.js';

export type PullClient = 'crane' | 'skopeo';
export const PULL_CLIENTS: readonly PullClient[] = ['crane', 'skopeo'];

export interface PullRoute {
  /** The front's proxy URL, http://127.0.0.1:PORT. */
  proxyUrl: string;
  /** The CA that signed the registry's certificate. */
  caFile: string;
}

export interface PullResult {
  code: number;
  stderr: string;
  /** The manifest digest of what was pulled, when the pull succeeded. */
  digest?: string;
  /** The text of `file` in the pulled image, when the pull succeeded. */
  text?: string;
}

/** Pulls `ref` (host/repository:tag) with `client`, reading credentials only from `dockerConfig`. */
export async function pullWith(client: PullClient, ref: string, dockerConfig: string, route: PullRoute, file: string): Promise<PullResult> {
  const dir = mkdtempSync(join(tmpdir(), `pull-${client}-`));
  try {
    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      HTTPS_PROXY: route.proxyUrl,
      NO_PROXY: '',
      SSL_CERT_FILE: route.caFile,
      CONTAINERS_REGISTRIES_CONF: join(dir, 'registries.conf'),
      DOCKER_CONFIG: dir,
    };
    writeFileSync(join(dir, 'registries.conf'), '');
    writeFileSync(join(dir, client === 'crane' ? 'config.json' : 'auth.json'), dockerConfig);
    return client === 'crane' ? await pullWithCrane(ref, dir, env, file) : await pullWithSkopeo(ref, dir, env, file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function pullWithCrane(ref: string, dir: string, env: NodeJS.ProcessEnv, file: string): Promise<PullResult> {
  const crane = findTool('crane');
  const digest = await runCommand(crane, ['digest', ref], { env });
  if (digest.code !== 0) return { code: digest.code, stderr: digest.stderr };
  const exported = await runCommand(crane, ['export', ref, join(dir, 'fs.tar')], { env });
  if (exported.code !== 0) return { code: exported.code, stderr: exported.stderr };
  return { code: 0, stderr: exported.stderr, digest: digest.stdout.trim(), text: await fileInTar(join(dir, 'fs.tar'), file) };
}

async function pullWithSkopeo(ref: string, dir: string, env: NodeJS.ProcessEnv, file: string): Promise<PullResult> {
  const out = join(dir, 'image');
  const copied = await runCommand(
    findTool('skopeo'),
    ['--insecure-policy', 'copy', '--retry-times', '0', '--authfile', join(dir, 'auth.json'), `docker://${ref}`, `dir:${out}`],
    { env },
  );
  if (copied.code !== 0) return { code: copied.code, stderr: copied.stderr };
  const manifest = readFileSync(join(out, 'manifest.json'));
  const { layers } = JSON.parse(manifest.toString('utf8')) as { layers: Array<{ digest: string }> };
  const blobs = new Set(readdirSync(out));
  const layer = layers.map(({ digest }) => digest.replace(/^sha256:/, '')).find((hex) => blobs.has(hex));
  if (!layer) throw new Error(`skopeo copied no layer blob into ${out} (files: ${[...blobs].join(', ')})`);
  return {
    code: 0,
    stderr: copied.stderr,
    digest: `sha256:${createHash('sha256').update(manifest).digest('hex')}`,
    text: await fileInTar(join(out, layer), file),
  };
}

async function fileInTar(archive: string, file: string): Promise<string> {
  const read = await runCommand('tar', ['-xOf', archive, file]);
  if (read.code !== 0) throw new Error(`${file} is not in the pulled image: ${read.stderr}`);
  return read.stdout;
}
