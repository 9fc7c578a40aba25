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

/** The overridable thresholds: each a named placeholder `<number> # threshold: <name>` in the rules file. */
export const THRESHOLD_NAMES = ['expiringWarningSeconds', 'expiringCriticalSeconds', 'overdueGraceSeconds', 'consecutiveFailures'] as const;
export type ThresholdName = (typeof THRESHOLD_NAMES)[number];

const placeholder = (name: ThresholdName) => new RegExp(`(\\d+) # threshold: ${name}$`, 'gm');

/** The default number of a threshold, failing unless its placeholder is there exactly once. */
export function thresholdValue(text: string, name: ThresholdName): number {
  const found = [...text.matchAll(placeholder(name))];
  if (found.length !== 1) throw new Error(`expected the placeholder "# threshold: ${name}" exactly once, found ${found.length}`);
  return Number(found[0]![1]);
}

/** The rules text with one threshold set by name, as the chart sets it. */
export function setThreshold(text: string, name: ThresholdName, value: number): string {
  thresholdValue(text, name);
  return text.replace(placeholder(name), `${value} # threshold: ${name}`);
}
