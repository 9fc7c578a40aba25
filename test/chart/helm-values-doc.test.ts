// The chart values table in docs/helm-values.md is generated from values.yaml's `# --` comments;
// this keeps the two in step and every value documented.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { withCurrentValuesTable } from '../../scripts/render-helm-values-doc.js';
import { documentedValues, valuesTable } from './support/values-table.js';
import { ROOT } from '../support/root.js';

const valuesYaml = readFileSync(join(ROOT, 'helm', 'ecr-token-refresher', 'values.yaml'), 'utf8');
const doc = readFileSync(join(ROOT, 'docs', 'helm-values.md'), 'utf8');

describe('chart values documentation', () => {
  it('documents every top-level value, itself or through its children', () => {
    const documented = documentedValues(valuesYaml).map((doc) => doc.key);
    for (const key of Object.keys(parse(valuesYaml))) {
      expect(
        documented.some((path) => path === key || path.startsWith(`${key}.`)),
        `${key} has no "# --" comment in values.yaml`,
      ).toBe(true);
    }
  });

  it('documents every value the schema knows, and no other', () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'helm', 'ecr-token-refresher', 'values.schema.json'), 'utf8'));
    const topLevel = new Set(documentedValues(valuesYaml).map((doc) => doc.key.split('.')[0]));
    expect([...topLevel].sort()).toEqual(Object.keys(schema.properties).filter((key) => key !== 'global').sort());
  });

  it('has the docs/helm-values.md table generated from values.yaml (npx tsx scripts/render-helm-values-doc.ts)', () => {
    expect(doc).toContain(valuesTable(valuesYaml));
    expect(withCurrentValuesTable(doc, valuesYaml)).toBe(doc);
  });
});
