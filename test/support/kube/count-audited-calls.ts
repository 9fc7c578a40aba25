// The API server's own account of the requests one user made in a span of
// time, read from its audit log (JSON lines, level Metadata): counted by verb
// and resource ("patch secrets", "watch namespaces"), each request once
// however many stages it was logged at.
import { readFileSync } from 'node:fs';

interface AuditEvent {
  auditID: string;
  verb: string;
  user: { username: string };
  objectRef?: { resource?: string; subresource?: string };
  requestReceivedTimestamp: string;
}

export function countAuditedCalls(auditLogFile: string, options: { user: string; fromMs: number; toMs: number }): Record<string, number> {
  const seen = new Set<string>();
  const counts: Record<string, number> = {};
  for (const line of readFileSync(auditLogFile, 'utf8').split('\n')) {
    if (!line) continue;
    const event = JSON.parse(line) as AuditEvent;
    const at = Date.parse(event.requestReceivedTimestamp);
    if (event.user.username !== options.user || at < options.fromMs || at > options.toMs || seen.has(event.auditID)) continue;
    seen.add(event.auditID);
    const resource = [event.objectRef?.resource, event.objectRef?.subresource].filter(Boolean).join('/') || 'non-resource';
    const key = `${event.verb} ${resource}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
