// Where the chart and its CI values files live, for the tests that install it.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CHART = fileURLToPath(new URL('../../../helm/ecr-token-refresher', import.meta.url));

export function ciValuesFiles(): string[] {
  return readdirSync(join(CHART, 'ci'))
    .filter((name) => name.endsWith('-values.yaml'))
    .sort()
    .map((name) => join(CHART, 'ci', name));
}
