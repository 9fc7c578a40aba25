// Checks one raw value (an env var string or a config file value) and turns it
// into its typed value, or a message saying what is wrong and how to fix it:
// the value kinds of the settings schema, the keys of a target, durations,
// and secret set names (Kubernetes names: validate-dns-name.ts, which the
// cluster-wide selection reads too). Pure functions: no reading, no defaults
// (read-settings.ts and read-targets.ts apply those). URL values are never
// echoed: webhook and Pushgateway URLs can carry credentials.
import { validate as validateCron } from 'node-cron';
import type { LogLevel, SecretFormat } from './config.js';
import { suggestName } from './config-error.js';
import type { Setting, TargetKey } from './schema.js';
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

// ---- The keys of one target (the env's single-target form or a `targets:` item).

const FORMATS: readonly SecretFormat[] = ['auto', 'triplet', 'image-pull-secret'];
const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
const PCC_REGION = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

export type TargetValue = { ok: true; value: string } | { ok: false; message: string };

export function checkTargetValue(key: TargetKey, raw: unknown): TargetValue {
  if (key === 'kubernetesSecret') return checkKubernetesSecret(raw);
  if (key === 'registryId' && typeof raw === 'number') {
    // YAML reads an unquoted account id as a number and drops leading zeros.
    const digits = Number.isInteger(raw) ? String(raw) : '';
    if (/^\d{12}$/.test(digits)) return { ok: true, value: digits };
    return { ok: false, message: 'must be a 12-digit AWS account id: quote it ("012345678901") so leading zeros survive' };
  }
  if (typeof raw !== 'string') return { ok: false, message: `must be a string, not ${Array.isArray(raw) ? 'a list' : typeof raw}` };
  const value = raw.trim();
  const quoted = JSON.stringify(raw);
  switch (key) {
    case 'secretSet': {
      const problem = validateSecretSetName(value);
      return problem ? { ok: false, message: problem } : { ok: true, value };
    }
    case 'format': {
      if ((FORMATS as readonly string[]).includes(value)) return { ok: true, value };
      const suggestion = suggestName(value, FORMATS);
      return {
        ok: false,
        message: `${quoted} is not a secret format: ${suggestion ? `did you mean \`${suggestion}\`? ` : ''}use auto, triplet or image-pull-secret`,
      };
    }
    case 'pccRegion':
      return PCC_REGION.test(value)
        ? { ok: true, value }
        : { ok: false, message: `${quoted} is not a Pipecat Cloud region: use lowercase letters, digits and '-', like us-west` };
    case 'awsRegion':
      return AWS_REGION.test(value)
        ? { ok: true, value }
        : { ok: false, message: `${quoted} is not an AWS region: use a region code like us-east-1 or eu-west-1` };
    case 'registryId':
      return /^\d{12}$/.test(value)
        ? { ok: true, value }
        : { ok: false, message: `${quoted} is not an AWS account id: use the 12 digits of the registry's account, like 123456789012` };
    case 'roleArn':
      return ROLE_ARN.test(value)
        ? { ok: true, value }
        : { ok: false, message: `${quoted} is not an IAM role ARN: use arn:aws:iam::<12-digit account>:role/<name>` };
  }
}

const SECRET_FORM = 'write `kubernetesSecret: { namespace: agents, name: ecr-pull }` (KUBERNETES_SECRET=agents/ecr-pull)';

/** A pull Secret's place, as `namespace/name`: a mapping in the file, `namespace/name` in the env. */
function checkKubernetesSecret(raw: unknown): TargetValue {
  let namespace: unknown;
  let name: unknown;
  if (typeof raw === 'string') [namespace, name] = raw.trim().split('/').length === 2 ? raw.trim().split('/') : [];
  else if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) ({ namespace, name } = raw as Record<string, unknown>);
  if (typeof namespace !== 'string' || typeof name !== 'string') {
    return { ok: false, message: `needs a namespace and a name: ${SECRET_FORM}` };
  }
  const namespaceProblem = validateDnsName(namespace.trim(), 'label');
  if (namespaceProblem) return { ok: false, message: `namespace ${namespaceProblem}` };
  const nameProblem = validateDnsName(name.trim(), 'subdomain');
  if (nameProblem) return { ok: false, message: `name ${nameProblem}` };
  return { ok: true, value: `${namespace.trim()}/${name.trim()}` };
}

// ---- Names, durations and hosts.

// Durations as written in env vars and the config file: `500ms`, `90s`, `5m`,
// `4h`, `1h30m`, `1d`. Bare numbers are refused: a unit-less `30` is as likely
// meant in seconds as in milliseconds.
const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
const UNIT_ORDER = ['d', 'h', 'm', 's', 'ms'] as const;
type Unit = (typeof UNIT_ORDER)[number];

export const DURATION_FORM = 'use a whole number with a unit (ms, s, m, h, d), like 500ms, 90s, 5m, 4h, 1h30m or 1d';

export function parseDuration(text: string): number {
  const trimmed = text.trim();
  const parts = [...trimmed.matchAll(/(\d+)(ms|d|h|m|s)/g)];
  const joined = parts.map((p) => p[0]).join('');
  let last = -1;
  let total = 0;
  const ordered = parts.every((p) => {
    const index = UNIT_ORDER.indexOf(p[2] as Unit);
    const ok = index > last;
    last = index;
    total += Number(p[1]) * UNIT_MS[p[2] as Unit];
    return ok;
  });
  if (parts.length === 0 || joined !== trimmed || !ordered || !Number.isSafeInteger(total)) {
    throw new Error(`${JSON.stringify(text)} is not a duration: ${DURATION_FORM}`);
  }
  return total;
}

// Pipecat Cloud secret set names, checked before any network call so a typo
// is a start-up error, not a 400 at the first refresh.
const SECRET_SET_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SECRET_SET_FIX = "use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit; 3–63 characters";

/** Undefined when the name is valid, otherwise what is wrong and how to fix it. */
export function validateSecretSetName(name: string): string | undefined {
  const quoted = JSON.stringify(name);
  if (name.length < 3) return `${quoted} is not a valid secret set name: it is too short: ${SECRET_SET_FIX}`;
  if (name.length > 63) return `${quoted} is not a valid secret set name: it is ${name.length} characters long: ${SECRET_SET_FIX}`;
  if (!SECRET_SET_NAME.test(name)) return `${quoted} is not a valid secret set name: ${SECRET_SET_FIX}`;
  return undefined;
}

// The hosts whose plain http:// never leaves this machine (the local
// stand-ins, a sidecar): the one exception to "credentials only over https".
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** `hostname` as URL gives it (IPv6 in brackets). */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname);
}
