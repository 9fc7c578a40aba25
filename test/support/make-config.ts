// A valid Config for tests, with one target unless told otherwise.
import type { Config, TargetConfig } from '../../src/config/config.js';

export function makeTarget(overrides: Partial<TargetConfig> = {}): TargetConfig {
  const target = { name: 'ecr-pull', format: 'auto' as const, awsRegion: 'us-east-1', ...overrides };
  return { destination: { kind: 'pipecat', secretSet: target.name }, ...target };
}

export function makeConfig(overrides: Partial<Config> = {}): Config {
  return {
    apiUrl: 'http://127.0.0.1:9/v1',
    apiKey: 'pk_test_0123456789abcdef',
    targets: [makeTarget()],
    schedule: '0 */6 * * *',
    scheduleJitterMs: 0,
    refreshMarginMs: 4 * 3600_000,
    confirmTimeoutMs: 120_000,
    requestTimeoutMs: 15_000,
    pushConcurrency: 8,
    retryInitialDelayMs: 5_000,
    retryMaxDelayMs: 900_000,
    metricsPort: 0,
    metricsHost: '127.0.0.1',
    logLevel: 'info',
    shutdownTimeoutMs: 30_000,
    leaderElection: { enabled: false, leaseName: 'ecr-token-refresher', leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 },
    kubernetes: { serviceAccountDir: '/var/run/secrets/kubernetes.io/serviceaccount' },
    ...overrides,
  };
}
