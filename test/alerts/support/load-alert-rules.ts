// Reads the shipped alert rules file, flattened to its alerting rules.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../../support/root.js';

export const RULES_FILE = join(ROOT, 'helm', 'ecr-token-refresher', 'files', 'prometheus-rules.yaml');

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
