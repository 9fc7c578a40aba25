import { describe, expect, it } from 'vitest';
import { helpText } from '../../src/config/help-text.js';
import { SETTINGS } from '../../src/config/settings.js';

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

  it.each(SETTINGS.filter((s) => s.default !== undefined))('shows the default of $env', (setting) => {
    expect(text).toContain(`${setting.env} (${setting.default})`);
  });

  it('shows the documented defaults', () => {
    expect(text).toContain('REFRESH_SCHEDULE (0 */6 * * *)');
    expect(text).toContain('REFRESH_MARGIN (4h)');
    expect(text).toContain('PCC_API_URL (https://api.pipecat.daily.co/v1)');
    expect(text).toContain('METRICS_PORT (9102)');
  });

  it('lists the exit codes 0, 1 and 2', () => {
    expect(text).toMatch(/^ +0 +every target pushed and ready/m);
    expect(text).toMatch(/^ +1 +a refresh failed/m);
    expect(text).toMatch(/^ +2 +bad configuration or usage/m);
  });

  it('ends with a newline and keeps lines under 100 columns', () => {
    expect(text.endsWith('\n')).toBe(true);
    for (const line of text.split('\n')) expect(line.length, line).toBeLessThan(100);
  });
});
