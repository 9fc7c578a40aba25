// The shipped alert rules with thresholds and `for:` waits scaled down so a
// test can watch them fire within seconds. Thresholds are replaced as text, the
// same way the Helm chart overrides them; each must occur exactly once, so a
// rules file that no longer matches fails here instead of silently testing the
// originals.
import { readFileSync } from 'node:fs';
import { RULES_FILE } from '../alerts/support/load-alert-rules.js';

export interface FastRuleOptions {
  /** Replaces `< 14400` (seconds left for the warning expiry alert). */
  expiringSoonSeconds: number;
  /** Replaces `< 3600` (seconds left for the critical expiry alert). */
  aboutToExpireSeconds: number;
  /** Replaces `>= 3` (consecutive failures); unchanged when omitted. */
  failingCount?: number;
  /** Replaces every `for: <n>m`. */
  forDuration: string;
}

function replaceOnce(text: string, from: string, to: string): string {
  const count = text.split(from).length - 1;
  if (count !== 1) throw new Error(`expected ${JSON.stringify(from)} exactly once in the rules file, found ${count}`);
  return text.replace(from, to);
}

export function renderFastAlertRules(options: FastRuleOptions, text = readFileSync(RULES_FILE, 'utf8')): string {
  let out = replaceOnce(text, '< 14400', `< ${options.expiringSoonSeconds}`);
  out = replaceOnce(out, '< 3600', `< ${options.aboutToExpireSeconds}`);
  if (options.failingCount !== undefined) out = replaceOnce(out, '>= 3', `>= ${options.failingCount}`);
  const waits = out.match(/^\s+for: \d+m$/gm) ?? [];
  if (waits.length === 0) throw new Error('no `for: <n>m` lines found in the rules file');
  return out.replace(/^(\s+)for: \d+m$/gm, `$1for: ${options.forDuration}`);
}
