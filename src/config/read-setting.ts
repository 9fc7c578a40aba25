// Turns one raw setting (an env var string or a config file value) into its
// typed value, or a message saying what is wrong and how to fix it. URL values
// are never echoed: webhook and Pushgateway URLs can carry credentials.
import { validate as validateCron } from 'node-cron';
import type { LogLevel } from './config.js';
import { isLoopbackHost } from './is-loopback-host.js';
import { parseDuration } from './parse-duration.js';
import type { Setting } from './setting.js';
import { suggestName } from './suggest-name.js';
import { validateDnsName } from './validate-dns-name.js';

export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** setTimeout fires at once for longer delays. */
const MAX_TIMER_MS = 2_147_483_647;

export type SettingResult = { ok: true; value: string | number | boolean } | { ok: false; message: string };

export function readSetting(setting: Setting, raw: unknown): SettingResult {
  switch (setting.kind) {
    case 'url':
      return setting.field === 'apiUrl' ? readApiUrl(raw) : readUrl(raw, false);
    case 'cron':
      return readCron(raw);
    case 'text':
      return typeof raw === 'string' && raw.trim() !== ''
        ? { ok: true, value: raw.trim() }
        : { ok: false, message: `must be a non-empty string, like ${setting.example}` };
    case 'path':
      return typeof raw === 'string' && raw.trim() !== ''
        ? { ok: true, value: raw.trim() }
        : { ok: false, message: 'must be a file or directory path, like /etc/ecr-token-refresher/kubeconfig' };
    case 'boolean':
      return readBoolean(raw);
    case 'dns-label':
      return readDnsName(raw, 'label');
    case 'dns-subdomain':
      return readDnsName(raw, 'subdomain');
    case 'log-level':
      return readLogLevel(raw);
    case 'integer':
      return readInteger(raw, setting.min, setting.max);
    case 'duration':
      return readDuration(raw, setting.check);
  }
}

function readUrl(raw: unknown, stripTrailingSlash: boolean): SettingResult {
  const fix = 'use a full http:// or https:// URL';
  if (typeof raw !== 'string') return { ok: false, message: `must be a string: ${fix}` };
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, message: `is not a URL: ${fix}` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, message: `has scheme ${url.protocol.replace(/:$/, '')}: ${fix}` };
  }
  const text = raw.trim();
  return { ok: true, value: stripTrailingSlash ? text.replace(/\/+$/, '') : text };
}

/** The secrets API gets the bearer key and the token: https only, except to this machine. */
function readApiUrl(raw: unknown): SettingResult {
  const result = readUrl(raw, true);
  if (!result.ok) return result;
  const url = new URL(String(result.value));
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return { ok: false, message: `must use https (the API key and the token would travel in clear text); set it to https://${url.host}${url.pathname}` };
  }
  return result;
}

function readBoolean(raw: unknown): SettingResult {
  if (typeof raw === 'boolean') return { ok: true, value: raw };
  const text = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
  if (text === 'true' || text === 'false') return { ok: true, value: text === 'true' };
  return { ok: false, message: `${JSON.stringify(raw) ?? String(raw)} is not a boolean: use true or false` };
}

function readDnsName(raw: unknown, kind: 'label' | 'subdomain'): SettingResult {
  const problem = typeof raw === 'string' ? validateDnsName(raw.trim(), kind) : 'must be a string';
  return problem ? { ok: false, message: problem } : { ok: true, value: (raw as string).trim() };
}

function readCron(raw: unknown): SettingResult {
  const fix = 'use a cron expression with five fields (minute hour day-of-month month day-of-week), like "0 */6 * * *"';
  if (typeof raw !== 'string') return { ok: false, message: `must be a string: ${fix}` };
  const expression = raw.trim();
  if (!validateCron(expression)) return { ok: false, message: `${JSON.stringify(raw)} is not a valid cron expression: ${fix}` };
  return { ok: true, value: expression };
}

function readLogLevel(raw: unknown): SettingResult {
  const fix = `use one of ${LOG_LEVELS.join(', ')}`;
  if (typeof raw !== 'string') return { ok: false, message: `must be a string: ${fix}` };
  const level = raw.trim().toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(level)) return { ok: true, value: level };
  const suggestion = suggestName(level, LOG_LEVELS);
  return {
    ok: false,
    message: `${JSON.stringify(raw)} is not a log level: ${suggestion ? `did you mean \`${suggestion}\`? ` : ''}${fix}`,
  };
}

function readInteger(raw: unknown, min: number, max: number): SettingResult {
  const fix = `use a whole number from ${min} to ${max}`;
  let value: number;
  if (typeof raw === 'number') value = raw;
  else if (typeof raw === 'string' && /^\s*\d+\s*$/.test(raw)) value = Number(raw);
  else return { ok: false, message: `${JSON.stringify(raw) ?? String(raw)} is not a whole number: ${fix}` };
  if (!Number.isInteger(value) || value < min || value > max) return { ok: false, message: `${value} is out of range: ${fix}` };
  return { ok: true, value };
}

function readDuration(raw: unknown, check?: (ms: number) => string | undefined): SettingResult {
  if (typeof raw !== 'string' && typeof raw !== 'number') {
    return { ok: false, message: `${JSON.stringify(raw) ?? String(raw)} is not a duration: use a string like 90s, 5m or 4h` };
  }
  let ms: number;
  try {
    ms = parseDuration(String(raw));
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  if (ms > MAX_TIMER_MS) return { ok: false, message: `${JSON.stringify(String(raw))} is too long: use at most 24d` };
  const problem = check?.(ms);
  return problem ? { ok: false, message: `${JSON.stringify(String(raw))} ${problem}` } : { ok: true, value: ms };
}
