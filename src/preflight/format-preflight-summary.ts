// The human side of --dry-run, for stderr: one line per check, ok or problem,
// naming the endpoint and, for a problem, the fix on the line below.
import type { PreflightReport } from './preflight-report.js';

export function formatPreflightSummary(report: PreflightReport): string {
  const failed = report.checks.filter((c) => !c.ok).length;
  const head = failed
    ? `preflight: ${failed} of ${report.checks.length} checks found a problem; nothing was written`
    : `preflight: all ${report.checks.length} checks passed; nothing was written`;
  const width = Math.max(...report.checks.map((c) => c.side.length), 3);
  const lines = report.checks.map((check) => {
    const where = check.endpoint ? ` at ${check.endpoint}` : '';
    const line = `  ${check.ok ? 'ok     ' : 'PROBLEM'}  ${check.side.padEnd(width)}  ${check.subject}${where}: ${check.said}`;
    return check.fix ? `${line}\n  ${' '.repeat(7 + 2 + width + 2)}fix: ${check.fix}` : line;
  });
  return `${[head, ...lines].join('\n')}\n`;
}
