// The validated configuration the rest of the program runs on. Built only by
// loadConfig; every duration is in milliseconds.
export type SecretFormat = 'auto' | 'triplet' | 'image-pull-secret';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface TargetConfig {
  secretSet: string;
  format: SecretFormat;
  pccRegion?: string;
  awsRegion: string;
  registryId?: string;
  roleArn?: string;
}

export interface Config {
  /** Secrets API base URL, without a trailing slash. */
  apiUrl: string;
  /** Never logged. */
  apiKey: string;
  /** At least one; secretSet is unique. */
  targets: TargetConfig[];
  /** Cron expression accepted by node-cron. */
  schedule: string;
  scheduleJitterMs: number;
  refreshMarginMs: number;
  confirmTimeoutMs: number;
  requestTimeoutMs: number;
  pushConcurrency: number;
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  metricsPort: number;
  metricsHost: string;
  logLevel: LogLevel;
  pushgatewayUrl?: string;
  alertWebhookUrl?: string;
  shutdownTimeoutMs: number;
}
