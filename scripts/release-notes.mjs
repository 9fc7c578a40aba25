#!/usr/bin/env node
// The GitHub release notes of one version: its section of CHANGELOG.md (Keep a Changelog: a
// "## [<version>] - <date>" heading per release), then how to install exactly what was released.
//
//   node scripts/release-notes.mjs <version> <image repository> <sha256:digest> <oci chart repository>
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The body of `## [version]` in a Keep a Changelog document, without its heading. */
export function changelogSection(changelog, version) {
  const lines = changelog.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`## [${version}]`));
  if (start < 0) throw new Error(`CHANGELOG.md has no "## [${version}]" section`);
  const end = lines.findIndex((line, i) => i > start && /^## \[/.test(line));
  const body = lines.slice(start + 1, end < 0 ? undefined : end);
  // Link references ("[0.1.0]: https://...") belong to the whole file.
  return body.filter((line) => !/^\[[^\]]+\]: /.test(line)).join('\n').trim();
}

export function releaseNotes({ changelog, version, image, digest, chartRepository }) {
  return `${changelogSection(changelog, version)}

## Install

Helm (the chart pins the image by digest):

\`\`\`sh
helm install ecr-token-refresher ${chartRepository}/ecr-token-refresher --version ${version}
\`\`\`

The image, for linux/amd64 and linux/arm64:

\`\`\`sh
docker run --rm ${image}@${digest} --version
\`\`\`

Verify its signature (made by this repository's release workflow) and read its SBOM:

\`\`\`sh
cosign verify ${image}@${digest} \\
  --certificate-identity-regexp '^https://github.com/pipecat-ai/ecr-token-refresher/.github/workflows/release.yml@refs/tags/v' \\
  --certificate-oidc-issuer https://token.actions.githubusercontent.com
cosign verify-attestation --type cyclonedx ${image}@${digest} \\
  --certificate-identity-regexp '^https://github.com/pipecat-ai/ecr-token-refresher/.github/workflows/release.yml@refs/tags/v' \\
  --certificate-oidc-issuer https://token.actions.githubusercontent.com
\`\`\`

npm:

\`\`\`sh
npx ecr-token-refresher@${version} --help
\`\`\`
`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [version, image, digest, chartRepository] = process.argv.slice(2);
  if (!version || !image || !digest || !chartRepository) {
    console.error('usage: release-notes.mjs <version> <image repository> <sha256:digest> <oci chart repository>');
    process.exit(2);
  }
  const changelog = readFileSync(new URL('../CHANGELOG.md', import.meta.url), 'utf8');
  process.stdout.write(releaseNotes({ changelog, version, image, digest, chartRepository }));
}
