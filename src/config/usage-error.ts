// Thrown for a bad command line (unknown flag, stray argument); exit code 2.
export class UsageError extends Error {
  readonly code = 'ERR_USAGE';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}
