// Builds the Config from env vars and an optional YAML/JSON config file, once,
// at start-up. Every problem is collected and thrown together in one
// ConfigError; env vars win over the file's top-level settings.
import { ConfigError, type ConfigProblem } from './config-error.js';
import type { Config } from './config.js';
import { loadKubernetesSettings } from './load-kubernetes-settings.js';
import { loadTargets, needsApiKey } from './load-targets.js';
import { parseConfigFile } from './parse-config-file.js';
import { readPushgatewayAuth } from './read-pushgateway-auth.js';
import { readApiKey } from './read-api-key.js';
import { readEnv, type Env } from './read-env.js';
import { readSettings } from './read-settings.js';
import { SETTINGS } from './settings.js';
import { TOP_LEVEL_HINTS, TOP_LEVEL_KEYS } from './top-level-keys.js';
import { unknownKeyProblems } from './unknown-key-problems.js';

export interface LoadConfigOptions {
  env: Env;
  /** From --config; wins over CONFIG_FILE. */
  configFile?: string;
  /** Reads a file as UTF-8 text; throws like node:fs (with `code`) when it cannot. */
  readFile: (path: string) => string;
  /** The --once flag: leader election is refused with it. */
  once?: boolean;
}

export function loadConfig({ env, configFile, readFile, once = false }: LoadConfigOptions): Config {
  const problems: ConfigProblem[] = [];
  const envReader = readEnv(env);

  const filePath = configFile ?? envReader.get('CONFIG_FILE');
  const file = loadFile(filePath, configFile !== undefined ? '--config' : 'CONFIG_FILE', readFile, problems);
  if (file) problems.push(...unknownKeyProblems(file, '', { keys: TOP_LEVEL_KEYS, hints: TOP_LEVEL_HINTS }));

  const { values: settings, sources } = readSettings(SETTINGS, envReader, file, problems);
  const { retryInitialDelayMs, retryMaxDelayMs } = settings as Partial<Config>;
  if (retryInitialDelayMs !== undefined && retryMaxDelayMs !== undefined && retryMaxDelayMs < retryInitialDelayMs) {
    problems.push({
      field: sources.get('retryMaxDelayMs') ?? sources.get('retryInitialDelayMs') ?? 'RETRY_MAX_DELAY',
      message: 'the longest retry delay is shorter than the first one: make RETRY_MAX_DELAY at least RETRY_INITIAL_DELAY',
    });
  }

  const pushgateway = readPushgatewayAuth({
    url: settings.pushgatewayUrl as string | undefined,
    urlField: sources.get('pushgatewayUrl') ?? 'PUSHGATEWAY_URL',
    urlRefused: problems.some((p) => p.field === 'PUSHGATEWAY_URL' || p.field === 'pushgatewayUrl'),
    authFile: settings.pushgatewayAuthFile as string | undefined,
    authFileField: sources.get('pushgatewayAuthFile') ?? 'PUSHGATEWAY_AUTH_FILE',
    readFile,
  });
  problems.push(...pushgateway.problems);

  // Without a readable file, the key file and targets it may name are unknown;
  // reporting them as missing would only add noise.
  const fileFailed = filePath !== undefined && file === undefined;
  // Only Pipecat Cloud sets need the key; one given anyway is still checked.
  const noKeyGiven = ['PCC_API_KEY', 'PCC_API_KEY_FILE'].every((name) => env[name] === undefined) && (file?.apiKeyFile ?? undefined) === undefined;
  const skipKey = noKeyGiven && (fileFailed || !needsApiKey(envReader, file));
  const key = skipKey ? { problems: [] } : readApiKey({ env: envReader, fileSetting: file?.apiKeyFile, readFile });
  problems.push(...key.problems);
  const kubernetes = loadKubernetesSettings(envReader, file, once, problems);

  const { targets, problems: targetProblems } = fileFailed ? { targets: [], problems: [] } : loadTargets({ env: envReader, file });
  problems.push(...targetProblems);

  if (problems.length > 0) throw new ConfigError(withoutKey(problems, [env.PCC_API_KEY, key.apiKey]));
  return {
    ...(settings as Omit<Config, 'apiKey' | 'targets' | 'leaderElection' | 'kubernetes'>),
    ...(key.apiKey !== undefined && { apiKey: key.apiKey }),
    ...(pushgateway.url !== undefined && { pushgatewayUrl: pushgateway.url }),
    ...(pushgateway.auth && { pushgatewayAuth: pushgateway.auth }),
    targets,
    ...kubernetes,
  };
}

function loadFile(
  path: string | undefined,
  field: string,
  readFile: (path: string) => string,
  problems: ConfigProblem[],
): Record<string, unknown> | undefined {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException)?.code ?? 'read error';
    problems.push({ field, message: `cannot read config file ${JSON.stringify(path)} (${code}): check the path and that the file is mounted` });
    return undefined;
  }
  const parsed = parseConfigFile(text, path);
  if (!parsed.ok) {
    problems.push({ field, message: parsed.message });
    return undefined;
  }
  if (parsed.value === null || parsed.value === undefined) return {};
  if (typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
    problems.push({ field, message: `${JSON.stringify(path)} must hold a mapping of settings (like \`targets:\` and \`schedule:\`) at the top level` });
    return undefined;
  }
  return parsed.value as Record<string, unknown>;
}

/** Messages quote bad values; a key pasted into the wrong setting must not be printed back. */
function withoutKey(problems: ConfigProblem[], keys: (string | undefined)[]): ConfigProblem[] {
  const known = keys.map((k) => k?.trim()).filter((k): k is string => k !== undefined && k.length >= 8);
  return problems.map((p) => ({ ...p, message: known.reduce((message, k) => message.split(k).join('[REDACTED]'), p.message) }));
}
