// Rewrites the values table of docs/helm-values.md from the chart's values.yaml
// (its `# --` comments), so the documented defaults are the chart's own. The
// chart tests compare the two; run this after changing a value:
//   npx tsx scripts/render-helm-values-doc.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { valuesTable } from '../test/chart/support/values-table.js';

export const HELM_VALUES_DOC = fileURLToPath(new URL('../docs/helm-values.md', import.meta.url));
const VALUES_YAML = fileURLToPath(new URL('../helm/ecr-token-refresher/values.yaml', import.meta.url));

/** The document with everything from the table's header row on replaced by the current table. */
export function withCurrentValuesTable(doc: string, valuesYaml: string): string {
  const start = doc.indexOf('\n| key | default | description |');
  if (start < 0) throw new Error('docs/helm-values.md has no "| key | default | description |" table');
  return `${doc.slice(0, start + 1)}${valuesTable(valuesYaml)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(HELM_VALUES_DOC, withCurrentValuesTable(readFileSync(HELM_VALUES_DOC, 'utf8'), readFileSync(VALUES_YAML, 'utf8')));
}
