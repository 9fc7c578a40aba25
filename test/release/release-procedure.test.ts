// The release procedure's own promises, without building anything: one version (package.json's)
// for the npm package, the chart and its README; a CHANGELOG.md section for it; workflows that
// actionlint accepts and that run the project's own commands; scripts/release refusing a bad
// request before it builds or pushes anything; and install docs a user can follow.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CHART_OCI_REPOSITORY, chartReadme } from '../../scripts/render-helm-values-doc.js';
// @ts-expect-error -- a plain .mjs script without type declarations
import { changelogSection, releaseNotes } from '../../scripts/release-notes.mjs';
// @ts-expect-error -- a plain .mjs script without type declarations
import { baseComponent, packageDirOf } from '../../scripts/release-sbom.mjs';
import { markdownSection } from '../alerts/support/github-anchor.js';
import { findTool } from '../support/find-tool.js';
import { runCommand } from '../support/kube/run-command.js';
import { ROOT } from '../support/root.js';

const read = (...path: string[]) => readFileSync(join(ROOT, ...path), 'utf8');
const { version: VERSION } = JSON.parse(read('package.json')) as { version: string };
const CHART = join('helm', 'ecr-token-refresher');

describe('one version for every artefact', () => {
  it("has the chart's version and appVersion equal to package.json's version", () => {
    const chart = parse(read(CHART, 'Chart.yaml'));
    expect({ version: chart.version, appVersion: chart.appVersion }).toEqual({ version: VERSION, appVersion: VERSION });
  });

  it('has the chart README generated from Chart.yaml and values.yaml (npx tsx scripts/render-helm-values-doc.ts), with the helm install oci:// line', () => {
    const readme = read(CHART, 'README.md');
    expect(readme).toBe(chartReadme(read(CHART, 'Chart.yaml'), read(CHART, 'values.yaml')));
    expect(readme).toContain(`helm install ecr-token-refresher ${CHART_OCI_REPOSITORY}/ecr-token-refresher --version ${VERSION}`);
  });

  it("tells users to install package.json's version, in the README and in docs/installing.md", () => {
    for (const doc of [read('README.md'), read('docs', 'installing.md')]) {
      const versions = [...doc.matchAll(/ecr-token-refresher(?: --version |@)(\d+\.\d+\.\d+)/g)].map((m) => m[1]);
      expect(versions.length).toBeGreaterThan(0);
      expect(new Set(versions)).toEqual(new Set([VERSION]));
    }
  });

  it('has a Keep a Changelog CHANGELOG.md with an Unreleased section and a dated section for this version', () => {
    const changelog = read('CHANGELOG.md');
    expect(changelog).toMatch(/^## \[Unreleased\]$/m);
    expect(changelog).toMatch(new RegExp(`^## \\[${VERSION.replace(/\./g, '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm'));
    expect(changelogSection(changelog, VERSION)).toMatch(/^### (Added|Changed|Fixed|Removed|Deprecated|Security)$/m);
  });
});

describe('the SBOM writer', () => {
  it('counts a file towards the innermost package that holds it, scoped or nested', () => {
    expect(packageDirOf('node_modules/@smithy/core/dist-es/index.js')).toBe('node_modules/@smithy/core');
    expect(packageDirOf('node_modules/pino/lib/tools.js')).toBe('node_modules/pino');
    expect(packageDirOf('node_modules/a/node_modules/@s/b/x.js')).toBe('node_modules/a/node_modules/@s/b');
    expect(packageDirOf('src/cli.ts')).toBeUndefined();
  });

  it('takes a base image only by digest, and names the platform and repository in its purl', () => {
    const digest = `sha256:${'0f'.repeat(32)}`;
    expect(baseComponent(`linux/arm64=gcr.io/distroless/nodejs26-debian13@${digest}`)).toMatchObject({
      type: 'container',
      name: 'gcr.io/distroless/nodejs26-debian13',
      version: digest,
      purl: `pkg:oci/nodejs26-debian13@sha256%3A${'0f'.repeat(32)}?arch=arm64&repository_url=gcr.io%2Fdistroless%2Fnodejs26-debian13`,
    });
    expect(() => baseComponent('linux/arm64=gcr.io/distroless/nodejs26-debian13:nonroot')).toThrow(/--base must be PLATFORM=IMAGE@sha256:DIGEST/);
  });
});

describe('the release notes', () => {
  const changelog = `# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - 2027-01-05\n\n### Fixed\n- The one fix.\n\n## [1.1.0] - 2026-12-01\n\n### Added\n- An older entry.\n\n[1.2.0]: https://example.com/1.2.0\n`;
  const notes: string = releaseNotes({
    changelog,
    version: '1.2.0',
    image: 'ghcr.io/pipecat-ai/ecr-token-refresher',
    digest: `sha256:${'ab'.repeat(32)}`,
    chartRepository: 'oci://ghcr.io/pipecat-ai/charts',
  });

  it("hold that version's changelog entries and no other version's, nor the link references", () => {
    expect(notes).toContain('### Fixed\n- The one fix.');
    expect(notes).not.toContain('An older entry');
    expect(notes).not.toContain('https://example.com/1.2.0');
  });

  it('give the helm install oci:// line, the image by digest and the keyless cosign verify line', () => {
    expect(notes).toContain('helm install ecr-token-refresher oci://ghcr.io/pipecat-ai/charts/ecr-token-refresher --version 1.2.0');
    expect(notes).toContain(`cosign verify ghcr.io/pipecat-ai/ecr-token-refresher@sha256:${'ab'.repeat(32)}`);
    expect(notes).toContain('--certificate-oidc-issuer https://token.actions.githubusercontent.com');
    expect(notes).toContain('npx ecr-token-refresher@1.2.0');
  });

  it('refuse a version the changelog does not describe', () => {
    expect(() => changelogSection(changelog, '9.9.9')).toThrow(/no "## \[9\.9\.9\]" section/);
  });
});

describe('scripts/release refuses a bad request before building or pushing anything', () => {
  const release = (args: string[]) => runCommand(join(ROOT, 'scripts', 'release'), args, { timeoutMs: 30_000 });

  it("exits 2 for a version that is not package.json's, saying how to set it", async () => {
    const result = await release(['99.0.0', '--registry', '127.0.0.1:1/x']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`version 99.0.0 is not package.json's version (${VERSION})`);
    expect(result.stdout).toBe('');
  });

  it('exits 2 without --registry, and for an unknown option', async () => {
    const missing = await release([VERSION]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--registry is required');
    const unknown = await release([VERSION, '--registry', '127.0.0.1:1/x', '--sign-with-magic']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown argument '--sign-with-magic'");
  });
});

describe('the GitHub workflows', () => {
  it('pass actionlint', async () => {
    const files = ['ci.yml', 'release.yml'].map((file) => join(ROOT, '.github', 'workflows', file));
    const lint = await runCommand(findTool('actionlint'), ['-no-color', ...files]);
    expect(lint.code, lint.stdout + lint.stderr).toBe(0);
  });

  it("ci runs the README's test command on every push", () => {
    const ci = parse(read('.github', 'workflows', 'ci.yml'));
    expect(Object.keys(ci.on)).toContain('push');
    const steps: string[] = ci.jobs.test.steps.map((step: { run?: string }) => step.run ?? '');
    expect(steps.some((run) => /(^|\s)scripts\/test$/.test(run.trim()))).toBe(true);
    expect(markdownSection(read('README.md'), 'Try it')).toMatch(/^scripts\/test\b/m);
  });

  it('release runs scripts/release on a v* tag against ghcr.io with npm provenance, signing keyless with its OIDC identity', () => {
    const workflow = parse(read('.github', 'workflows', 'release.yml'));
    expect(workflow.on.push.tags).toEqual(['v*']);
    const job = workflow.jobs.release;
    expect(job.permissions).toMatchObject({ 'id-token': 'write', packages: 'write', contents: 'write' });
    const run: string = job.steps.map((step: { run?: string }) => step.run ?? '').join('\n');
    const command = run.split('\n').find((line) => line.trim().startsWith('scripts/release '))!;
    expect(command).toContain('--registry "ghcr.io/');
    expect(command).toContain('--publish-npm');
    // Keyless: no key is given, so cosign signs with the workflow's identity.
    expect(command).not.toContain('--key');
    expect(read('scripts', 'release')).toContain('npm publish --provenance');
  });
});

describe('docs/installing.md', () => {
  const doc = read('docs', 'installing.md');

  it('is linked from the README', () => {
    expect(read('README.md')).toContain('(docs/installing.md)');
  });

  it('gives every way in: helm install oci://, the image by digest with cosign verify, npx, the Lambda template', () => {
    expect(doc).toContain(`helm install ecr-token-refresher ${CHART_OCI_REPOSITORY}/ecr-token-refresher --version`);
    expect(doc).toMatch(/docker run --rm ghcr\.io\/pipecat-ai\/ecr-token-refresher@sha256:/);
    expect(doc).toMatch(/cosign verify ghcr\.io\/pipecat-ai\/ecr-token-refresher@sha256:<digest> \\\n\s+--certificate-identity-regexp '\^https:\/\/github\.com\/pipecat-ai\/ecr-token-refresher\/\.github\/workflows\/release\.yml@refs\/tags\/v'/);
    expect(doc).toContain('npx ecr-token-refresher@');
    expect(doc).toContain('(../deploy/aws-lambda/template.yaml)');
  });
});
