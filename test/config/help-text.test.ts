import { describe, expect, it } from 'vitest';
import { helpText } from '../../src/config/help-text.js';
import { envNamesRead } from './support/env-names-read.js';

const ENV_VARS = [
  'PCC_API_KEY',
  'PCC_API_KEY_FILE',
  'PCC_API_URL',
  'PCC_SECRET_SET',
  'PCC_SECRET_FORMAT',
  'PCC_REGION',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'ECR_REGISTRY_ID',
  'ECR_ROLE_ARN',
  'REFRESH_SCHEDULE',
  'REFRESH_JITTER',
  'REFRESH_MARGIN',
  'CONFIRM_TIMEOUT',
  'REQUEST_TIMEOUT',
  'PUSH_CONCURRENCY',
  'RETRY_INITIAL_DELAY',
  'RETRY_MAX_DELAY',
  'METRICS_PORT',
  'METRICS_HOST',
  'LOG_LEVEL',
  'PUSHGATEWAY_URL',
  'ALERT_WEBHOOK_URL',
  'SHUTDOWN_TIMEOUT',
  'CONFIG_FILE',
];

describe('helpText', () => {
  const text = helpText('1.2.3');

  it('shows the version and the usage line', () => {
    expect(text).toContain('ecr-token-refresher 1.2.3');
    expect(text).toContain('Usage: ecr-token-refresher [--once] [--dry-run] [--config FILE] [--help] [--version]');
  });

  it.each(['--once', '--dry-run', '--config FILE', '--help', '--version'])('lists the option %s', (option) => {
    expect(text).toMatch(new RegExp(`^ +(-\\w, )?${option.replace(/[-]/g, '\\-')} `, 'm'));
  });

  it.each(ENV_VARS)('lists the env var %s', (name) => {
    expect(text).toContain(name);
  });

  // What an operator reads, pinned here by hand: a default changed in the
  // schema without a decision here fails, and so does a setting dropped from --help.
  it.each([
    ['PCC_API_KEY (required)', 'not in the file'],
    ['PCC_API_KEY_FILE', 'file: apiKeyFile'],
    ['PCC_SECRET_SET (required)', 'file: targets[].secretSet'],
    ['PCC_SECRET_FORMAT (auto)', 'file: targets[].format'],
    ['AWS_REGION (required)', 'file: awsRegion, targets[].awsRegion'],
    ['PCC_API_URL (https://api.pipecat.daily.co/v1)', 'file: apiUrl'],
    ['REFRESH_SCHEDULE (0 */6 * * *)', 'file: schedule'],
    ['REFRESH_JITTER (0s)', 'file: scheduleJitter'],
    ['REFRESH_MARGIN (4h)', 'file: refreshMargin'],
    ['CONFIRM_TIMEOUT (2m)', 'file: confirmTimeout'],
    ['REQUEST_TIMEOUT (15s)', 'file: requestTimeout'],
    ['PUSH_CONCURRENCY (8)', 'file: pushConcurrency'],
    ['RETRY_INITIAL_DELAY (5s)', 'file: retryInitialDelay'],
    ['RETRY_MAX_DELAY (15m)', 'file: retryMaxDelay'],
    ['METRICS_PORT (9102)', 'file: metricsPort'],
    ['METRICS_HOST (0.0.0.0)', 'file: metricsHost'],
    ['LOG_LEVEL (info)', 'file: logLevel'],
    ['PUSHGATEWAY_URL', 'file: pushgatewayUrl'],
    ['ALERT_WEBHOOK_URL', 'file: alertWebhookUrl'],
    ['SHUTDOWN_TIMEOUT (30s)', 'file: shutdownTimeout'],
  ])('shows %s with %s', (label, file) => {
    expect(text).toMatch(new RegExp(`^  ${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  });

  it('lists every env var the loader reads', () => {
    const read = envNamesRead();
    expect(read.size).toBeGreaterThanOrEqual(ENV_VARS.length);
    for (const name of read) expect(text, name).toMatch(new RegExp(`\\b${name}\\b`));
  });

  it('lists the exit codes 0 to 4', () => {
    expect(text).toMatch(/^ +0 +every target pushed and ready/m);
    expect(text).toMatch(/^ +1 +a refresh failed/m);
    expect(text).toMatch(/^ +2 +bad configuration or usage/m);
    expect(text).toMatch(/^ +3 +could not start/m);
    expect(text).toMatch(/^ +4 +--dry-run found a problem/m);
  });

  it('ends with a newline and keeps lines under 100 columns', () => {
    expect(text.endsWith('\n')).toBe(true);
    for (const line of text.split('\n')) expect(line.length, line).toBeLessThan(100);
  });
});
