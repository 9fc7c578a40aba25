// The behaviour settings that can come from an env var or the config file,
// with their defaults as an operator writes them. loadConfig, the --help text
// and the configuration reference all read this table (through
// setting-schema.ts), so the documented default is the real one.
import type { Setting } from './setting.js';

/** ECR authorization tokens live 12 hours. */
export const TOKEN_LIFETIME_MS = 12 * 3_600_000;

const positive = (ms: number) => (ms <= 0 ? 'must be longer than 0: use a duration like 30s' : undefined);

export const SETTINGS: readonly Setting[] = [
  { key: 'apiUrl', env: 'PCC_API_URL', kind: 'url', field: 'apiUrl', default: 'https://api.pipecat.daily.co/v1', help: 'Pipecat Cloud API base URL; https (plain http only to 127.0.0.1, ::1 or localhost)' },
  { key: 'schedule', env: 'REFRESH_SCHEDULE', kind: 'cron', field: 'schedule', default: '0 */6 * * *', help: 'cron expression for scheduled refreshes' },
  {
    key: 'scheduleJitter',
    env: 'REFRESH_JITTER',
    kind: 'duration',
    field: 'scheduleJitterMs',
    default: '0s',
    help: 'random delay added to each scheduled run',
    check: (ms) => (ms >= 3_600_000 ? 'must be less than 1h: a longer delay eats into the token lifetime' : undefined),
  },
  {
    key: 'refreshMargin',
    env: 'REFRESH_MARGIN',
    kind: 'duration',
    field: 'refreshMarginMs',
    default: '4h',
    help: 'refresh at once when less than this is left on the token',
    check: (ms) =>
      ms <= 0 || ms >= TOKEN_LIFETIME_MS
        ? 'must be longer than 0 and shorter than 12h (the ECR token lifetime): use e.g. 4h'
        : undefined,
  },
  { key: 'confirmTimeout', env: 'CONFIRM_TIMEOUT', kind: 'duration', field: 'confirmTimeoutMs', default: '2m', help: 'how long to wait for the secret set to be ready after a PUT', check: positive },
  { key: 'requestTimeout', env: 'REQUEST_TIMEOUT', kind: 'duration', field: 'requestTimeoutMs', default: '15s', help: 'timeout of each HTTP request', check: positive },
  { key: 'pushConcurrency', env: 'PUSH_CONCURRENCY', kind: 'integer', field: 'pushConcurrency', min: 1, max: 100, default: '8', help: 'parallel pushes to the secrets API' },
  { key: 'retryInitialDelay', env: 'RETRY_INITIAL_DELAY', kind: 'duration', field: 'retryInitialDelayMs', default: '5s', help: 'first retry delay after a failure', check: positive },
  { key: 'retryMaxDelay', env: 'RETRY_MAX_DELAY', kind: 'duration', field: 'retryMaxDelayMs', default: '15m', help: 'longest retry delay (exponential backoff)', check: positive },
  { key: 'metricsPort', env: 'METRICS_PORT', kind: 'integer', field: 'metricsPort', min: 0, max: 65535, default: '9102', help: 'port for /metrics, /healthz, /readyz (0 = any free port)' },
  { key: 'metricsHost', env: 'METRICS_HOST', kind: 'text', example: '0.0.0.0 or 127.0.0.1', field: 'metricsHost', default: '0.0.0.0', help: 'listen address of the metrics server' },
  { key: 'logLevel', env: 'LOG_LEVEL', kind: 'log-level', field: 'logLevel', default: 'info', help: 'fatal, error, warn, info, debug, trace or silent' },
  { key: 'pushgatewayUrl', env: 'PUSHGATEWAY_URL', kind: 'url', field: 'pushgatewayUrl', help: 'with --once: push metrics here at the end (a user:password@ is sent as basic auth)' },
  {
    key: 'pushgatewayAuthFile',
    env: 'PUSHGATEWAY_AUTH_FILE',
    kind: 'path',
    field: 'pushgatewayAuthFile',
    help: 'file holding the Pushgateway basic auth, user:password (one trailing newline ignored)',
  },
  { key: 'alertWebhookUrl', env: 'ALERT_WEBHOOK_URL', kind: 'url', field: 'alertWebhookUrl', help: 'Slack-compatible webhook for at-risk and recovered events' },
  { key: 'shutdownTimeout', env: 'SHUTDOWN_TIMEOUT', kind: 'duration', field: 'shutdownTimeoutMs', default: '30s', help: 'how long to let a refresh in flight finish on SIGTERM/SIGINT', check: positive },
];
