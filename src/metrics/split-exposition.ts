// Splits a Prometheus text exposition into groups by a label's value: one
// group per value, plus one ("") for the series without that label. Metric
// families keep their HELP and TYPE lines in every group that has samples.
export function splitExposition(text: string, label: string): Map<string, string> {
  const groups = new Map<string, string[]>();
  let header: string[] = [];
  let headerUsedBy = new Set<string>();
  const pattern = new RegExp(`[{,]${label}="((?:[^"\\\\]|\\\\.)*)"`);

  for (const line of text.split('\n')) {
    if (line.startsWith('# HELP')) {
      header = [line];
      headerUsedBy = new Set();
      continue;
    }
    if (line.startsWith('# TYPE')) {
      header.push(line);
      continue;
    }
    if (line.trim() === '' || line.startsWith('#')) continue;
    const key = pattern.exec(line)?.[1] ?? '';
    let lines = groups.get(key);
    if (!lines) groups.set(key, (lines = []));
    if (!headerUsedBy.has(key)) {
      lines.push(...header);
      headerUsedBy.add(key);
    }
    lines.push(line);
  }
  return new Map([...groups].map(([key, lines]) => [key, `${lines.join('\n')}\n`]));
}
