// The error of reading the Pipecat Cloud key from Secrets Manager or SSM. It
// names the setting, the endpoint tried and the fix; it never carries the key.
// Retryable faults (throttling, 5xx, network) were already retried by the AWS
// SDK; the flag tells the invoker whether trying again later can help.
export class ApiKeyReadError extends Error {
  override name = 'ApiKeyReadError';
  readonly code = 'ERR_API_KEY_READ';
  readonly retryable: boolean;

  constructor(message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.retryable = options.retryable;
  }
}
