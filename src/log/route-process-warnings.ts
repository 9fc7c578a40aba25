// Process warnings (the AWS SDK's NodeVersionSupportWarning on Node 20,
// deprecations, experimental features) would otherwise be printed by Node as
// multi-line plain text on stderr, breaking `2>&1 | jq`. This replaces Node's
// printer with one JSON warning line per warning through the logger.
import type { Logger } from 'pino';

export interface WarningSource {
  on(event: 'warning', listener: (warning: Error) => void): unknown;
  removeAllListeners(event: 'warning'): unknown;
}

/** Routes every later process warning to `logger.warn`. */
export function routeProcessWarnings(source: WarningSource, logger: Logger): void {
  // Node's own printer is the one listener present at start-up; a 'warning'
  // listener alone does not silence it.
  source.removeAllListeners('warning');
  source.on('warning', (warning) => logger.warn({ warning: describeWarning(warning) }, 'process warning'));
}

export interface LoggedWarning {
  name: string;
  code?: string;
  message: string;
}

/** One line: a warning whose text starts with its own name ("XWarning: …") is given that name. */
export function describeWarning(warning: Error): LoggedWarning {
  let name = warning.name || 'Warning';
  let message = String(warning.message ?? '');
  const named = /^([A-Z][A-Za-z]*Warning):\s*/.exec(message);
  if (named && name === 'Warning') {
    name = named[1]!;
    message = message.slice(named[0].length);
  }
  message = message.replace(/\s*\n\s*/g, ' ').trim();
  const code = (warning as { code?: unknown }).code;
  return typeof code === 'string' ? { name, code, message } : { name, message };
}
