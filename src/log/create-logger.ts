// Builds the process logger. Secrets are kept out twice over: code never logs
// them on purpose, and these redact paths catch them if an object carrying one
// is ever logged by accident.
import pino, { type DestinationStream, type Logger } from 'pino';
import { serializeError } from './serialize-error.js';

export const REDACT_PATHS = [
  'apiKey',
  'token',
  'password',
  'secretValue',
  'authorizationToken',
  'authorization',
  'headers.authorization',
  '*.apiKey',
  '*.token',
  '*.password',
  '*.secretValue',
  '*.authorizationToken',
  '*.authorization',
  '*.headers.authorization',
  'secrets[*].secretValue',
  '*.secrets[*].secretValue',
];

export function createLogger(options: { level: string; destination?: DestinationStream; base?: Record<string, unknown> }): Logger {
  return pino(
    {
      level: options.level,
      base: options.base ?? { service: 'ecr-token-refresher' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      // pino's default turns a plain object into "type":"Object" with an empty stack.
      serializers: { err: serializeError },
    },
    options.destination,
  );
}

export type { Logger };
