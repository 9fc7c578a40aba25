// Turns one of the daemon's JSON log lines into the demo's plain words.
export interface DaemonEvent {
  kind: 'started' | 'refreshed' | 'other';
  text: string;
  metricsUrl?: string;
}

export function describeLogLine(line: string): DaemonEvent {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return { kind: 'other', text: line };
  }
  const time = String(entry.time ?? '').slice(11, 19);
  const msg = String(entry.msg);
  if (msg === 'ecr-token-refresher started') {
    return { kind: 'started', text: `${time} daemon started; metrics at ${entry.metrics}`, metricsUrl: String(entry.metrics) };
  }
  if (msg === 'secret set refreshed and ready') {
    const created = entry.created ? ', created' : '';
    return { kind: 'refreshed', text: `${time} refreshed "${entry.secretSet}" (${entry.format}${created}); token expires ${entry.expiresAt}` };
  }
  if (msg === 'refresh started' || msg === 'refresh finished') {
    const took = msg === 'refresh finished' ? `, ${entry.durationMs} ms` : '';
    return { kind: 'other', text: `${time} ${msg} (cycle ${entry.cycle}, ${entry.trigger}${took})` };
  }
  const warning = entry.warning as { name?: string; message?: string } | undefined;
  if (warning) return { kind: 'other', text: `${time} ${entry.level}: ${warning.name}: ${warning.message}` };
  const detail = entry.err ? ` — ${(entry.err as { message?: string }).message}` : '';
  return { kind: 'other', text: `${time} ${entry.level}: ${msg}${detail}` };
}
