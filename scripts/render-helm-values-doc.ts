// Rewrites the values table of docs/helm-values.md, and the chart's own README (what `helm show
// readme` and chart registries display), from the chart's values.yaml (its `# --` comments) and
// Chart.yaml, so the documented defaults are the chart's own. The chart tests compare them; run
// this after changing a value or the chart's metadata:
//   npx tsx scripts/render-helm-values-doc.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { valuesTable } from '../test/chart/support/values-table.js';

export const HELM_VALUES_DOC = fileURLToPath(new URL('../docs/helm-values.md', import.meta.url));
export const CHART_README = fileURLToPath(new URL('../helm/ecr-token-refresher/README.md', import.meta.url));
const VALUES_YAML = fileURLToPath(new URL('../helm/ecr-token-refresher/values.yaml', import.meta.url));
const CHART_YAML = fileURLToPath(new URL('../helm/ecr-token-refresher/Chart.yaml', import.meta.url));
/** Where the release workflow pushes the chart (scripts/release --registry ghcr.io/pipecat-ai). */
export const CHART_OCI_REPOSITORY = 'oci://ghcr.io/pipecat-ai/charts';
const DOCS = 'https://github.com/pipecat-ai/ecr-token-refresher/blob/main/docs';

/** The document with everything from the table's header row on replaced by the current table. */
export function withCurrentValuesTable(doc: string, valuesYaml: string): string {
  const start = doc.indexOf('\n| key | default | description |');
  if (start < 0) throw new Error('docs/helm-values.md has no "| key | default | description |" table');
  return `${doc.slice(0, start + 1)}${valuesTable(valuesYaml)}\n`;
}

/** The chart's README, whole: generated, never edited by hand. */
export function chartReadme(chartYaml: string, valuesYaml: string): string {
  const chart = parse(chartYaml) as { name: string; description: string; version: string; appVersion: string; kubeVersion?: string };
  return `<!-- Generated from Chart.yaml and values.yaml by scripts/render-helm-values-doc.ts; do not edit. -->
# ${chart.name}

${chart.description}

Version ${chart.version}, app version ${chart.appVersion}${chart.kubeVersion ? `, Kubernetes ${chart.kubeVersion}` : ''}. The released
chart runs its image by digest: the image that was signed and attested with it.

## Installing

\`\`\`sh
helm install ${chart.name} ${CHART_OCI_REPOSITORY}/${chart.name} --version ${chart.version} \\
  --namespace ${chart.name} --create-namespace \\
  --set aws.region=us-east-1 --set secretSet=my-ecr-pull \\
  --set pipecatApiKey.existingSecret.name=pipecat-api-key
\`\`\`

See [Installing](${DOCS}/installing.md) for verifying the image's signature first, and
[Kubernetes (Helm)](${DOCS}/kubernetes.md) for AWS credentials, modes and monitoring.

## Values

${valuesTable(valuesYaml)}
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const valuesYaml = readFileSync(VALUES_YAML, 'utf8');
  writeFileSync(HELM_VALUES_DOC, withCurrentValuesTable(readFileSync(HELM_VALUES_DOC, 'utf8'), valuesYaml));
  writeFileSync(CHART_README, chartReadme(readFileSync(CHART_YAML, 'utf8'), valuesYaml));
}
