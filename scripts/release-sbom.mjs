#!/usr/bin/env node
// The image's SBOM (CycloneDX 1.6 JSON): the npm packages that are really inside the bundle, with
// their versions and licences, and the runtime base image of each platform by digest. What is
// inside the bundle comes from esbuild's own account of the build (its metafile: every input file
// and how many of its bytes reached dist/cli.js); a package whose code was all tree-shaken away is
// not listed. The bundle's SHA-256 is recorded, so the SBOM can be matched to the file in an image.
//
//   node scripts/release-sbom.mjs --out sbom.cdx.json \
//     --base linux/amd64=gcr.io/distroless/nodejs26-debian13@sha256:... [--base linux/arm64=...]
//
// It builds the bundle into a scratch folder (the same build as `npm run build`, from the same
// node_modules), so it leaves dist/ alone.
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundle } from './bundle.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SPDX_ID = /^[A-Za-z0-9.+-]+$/;

/** `node_modules/@scope/name/lib/x.js` → `node_modules/@scope/name` (the innermost package). */
export function packageDirOf(input) {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return undefined;
  const length = parts[at + 1]?.startsWith('@') ? 3 : 2;
  return parts.slice(0, at + length).join('/');
}

function licenses(pkg) {
  const declared = pkg.license ?? pkg.licenses;
  const list = (Array.isArray(declared) ? declared : [declared]).filter(Boolean).map((l) => (typeof l === 'string' ? l : l.type));
  return list.map((l) => (SPDX_ID.test(l) ? { license: { id: l } } : { expression: l }));
}

function purl(name, version) {
  return `pkg:npm/${name.replace(/^@/, '%40')}@${version}`;
}

/** `linux/arm64=repo/name@sha256:...` → a CycloneDX container component. */
export function baseComponent(spec) {
  const match = /^([a-z0-9]+\/[a-z0-9]+(?:\/[a-z0-9]+)?)=(.+)@(sha256:[0-9a-f]{64})$/.exec(spec);
  if (!match) throw new Error(`--base must be PLATFORM=IMAGE@sha256:DIGEST, got "${spec}"`);
  const [, platform, image, digest] = match;
  const slash = image.lastIndexOf('/');
  const name = image.slice(slash + 1).replace(/:.*$/, '');
  const repositoryUrl = image.replace(/:[^/]*$/, '');
  const arch = platform.split('/')[1];
  return {
    type: 'container',
    'bom-ref': `base-image:${platform}`,
    name: repositoryUrl,
    version: digest,
    hashes: [{ alg: 'SHA-256', content: digest.slice('sha256:'.length) }],
    purl: `pkg:oci/${name}@${encodeURIComponent(digest)}?arch=${arch}&repository_url=${encodeURIComponent(repositoryUrl)}`,
    properties: [
      { name: 'ecr-token-refresher:role', value: 'runtime base image' },
      { name: 'ecr-token-refresher:platform', value: platform },
    ],
  };
}

/** The SBOM as an object; `bases` as for --base. */
export async function makeSbom({ bases = [], timestamp = new Date().toISOString() } = {}) {
  const app = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const outdir = mkdtempSync(join(tmpdir(), 'ecr-token-refresher-sbom-'));
  try {
    const result = await bundle({ outdir });
    const [output, meta] = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith('/cli.js'));
    const bundleSha256 = createHash('sha256').update(readFileSync(isAbsolute(output) ? output : join(ROOT, output))).digest('hex');
    const packages = new Map();
    for (const [input, { bytesInOutput }] of Object.entries(meta.inputs)) {
      const dir = packageDirOf(input);
      if (!dir || bytesInOutput === 0 || packages.has(dir)) continue;
      packages.set(dir, JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')));
    }
    const appRef = purl(app.name, app.version);
    const libraries = [...packages.values()]
      .map((pkg) => ({
        type: 'library',
        'bom-ref': purl(pkg.name, pkg.version),
        ...(pkg.name.startsWith('@') ? { group: pkg.name.split('/')[0] } : {}),
        name: pkg.name.startsWith('@') ? pkg.name.split('/')[1] : pkg.name,
        version: pkg.version,
        licenses: licenses(pkg),
        purl: purl(pkg.name, pkg.version),
      }))
      // The same package at two versions (nested node_modules) is two components; one at one
      // version in two places is one.
      .filter((c, i, all) => all.findIndex((o) => o['bom-ref'] === c['bom-ref']) === i)
      .sort((a, b) => a['bom-ref'].localeCompare(b['bom-ref']));
    const containers = bases.map(baseComponent);
    return {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      serialNumber: `urn:uuid:${randomUUID()}`,
      version: 1,
      metadata: {
        timestamp,
        // Written by this script from the account of the build that esbuild gives.
        tools: {
          components: [
            { type: 'application', name: 'ecr-token-refresher release-sbom', version: app.version },
            { type: 'application', name: 'esbuild', version: esbuildVersion() },
          ],
        },
        component: {
          type: 'application',
          'bom-ref': appRef,
          name: app.name,
          version: app.version,
          description: app.description,
          licenses: licenses(app),
          purl: appRef,
          hashes: [{ alg: 'SHA-256', content: bundleSha256 }],
          properties: [{ name: 'ecr-token-refresher:file', value: '/app/dist/cli.js' }],
        },
      },
      components: [...libraries, ...containers],
      dependencies: [{ ref: appRef, dependsOn: [...libraries, ...containers].map((c) => c['bom-ref']) }],
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function esbuildVersion() {
  return JSON.parse(readFileSync(join(ROOT, 'node_modules', 'esbuild', 'package.json'), 'utf8')).version;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, base: { type: 'string', multiple: true, default: [] } } });
  if (!values.out) {
    console.error('release-sbom: --out FILE is required');
    process.exit(2);
  }
  const sbom = await makeSbom({ bases: values.base });
  writeFileSync(values.out, `${JSON.stringify(sbom, null, 2)}\n`);
  const libraries = sbom.components.filter((c) => c.type === 'library').length;
  console.log(`sbom: ${values.out}: ${libraries} npm packages, ${values.base.length} base image(s), bundle sha256 ${sbom.metadata.component.hashes[0].content}`);
}
