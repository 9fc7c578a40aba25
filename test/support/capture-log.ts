// A pino logger built like the product's, writing into an array for assertions.
import { createLogger } from '../../src/log/create-logger.js';

export function captureLog(level = 'debug') {
  const lines: string[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => void lines.push(line) } });
  return {
    logger,
    lines,
    entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown> & { msg: string; level: string }),
    text: () => lines.join(''),
  };
}
