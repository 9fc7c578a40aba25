#!/usr/bin/env node
// Points a copy of the chart's values.yaml at the released image by digest (image.repository and
// image.digest), keeping its comments, so a packaged chart installs exactly the image it was
// released with. scripts/release runs it on a copy; the chart in the repository keeps tag defaults.
//
//   node scripts/release-pin-image.mjs <values.yaml> <repository> <sha256:digest>
import { readFileSync, writeFileSync } from 'node:fs';
import { parseDocument } from 'yaml';

const [file, repository, digest] = process.argv.slice(2);
if (!file || !repository || !/^sha256:[0-9a-f]{64}$/.test(digest ?? '')) {
  console.error('usage: release-pin-image.mjs <values.yaml> <repository> <sha256:digest>');
  process.exit(2);
}
const doc = parseDocument(readFileSync(file, 'utf8'));
if (!doc.hasIn(['image', 'digest'])) {
  console.error(`${file} has no image.digest value to set`);
  process.exit(1);
}
doc.setIn(['image', 'repository'], repository);
doc.setIn(['image', 'digest'], digest);
writeFileSync(file, doc.toString());
