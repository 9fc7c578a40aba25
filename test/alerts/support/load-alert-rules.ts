// Reads the shipped alert rules file, flattened to its alerting rules.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const RULES_FILE = fileURLToPath(new URL('../../../helm/ecr-token-refresher/files/prometheus-rules.yaml', import.meta.url));

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function loadAlertRules(file = RULES_FILE): AlertRule[] {
  const doc = parse(readFileSync(file, 'utf8')) as { groups: { rules: Array<AlertRule & { record?: string }> }[] };
  return doc.groups.flatMap((group) => group.rules).filter((rule) => rule.alert !== undefined);
}
