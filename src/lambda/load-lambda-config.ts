// The Lambda function's configuration: the same settings, schema and messages
// as the CLI (loadConfig), with two differences. The key comes from AWS
// (see api-key-source.ts) and is read after validation, so a bad configuration
// fails before any call; and several targets come as the text of a config
// file in REFRESHER_CONFIG (JSON or YAML), since a function has no file of its own.
import { ConfigError, type ConfigProblem } from '../config/config-error.js';
import type { Config } from '../config/config.js';
import { loadConfig } from '../config/load-config.js';
import { readApiKeySource, type ApiKeySource } from './api-key-source.js';

export interface LambdaConfig {
  config: Omit<Config, 'apiKey'>;
  keySource: ApiKeySource;
}

/** Stands in for the key during validation only; never sent anywhere. */
const KEY_NOT_YET_READ = 'key-not-yet-read';
const INLINE = 'REFRESHER_CONFIG';

export function loadLambdaConfig(env: Record<string, string | undefined>, readFile: (path: string) => string): LambdaConfig {
  const { source, problems } = readApiKeySource(env);
  const inline = env[INLINE]?.trim() ? env[INLINE] : undefined;
  if (inline !== undefined && env.CONFIG_FILE) {
    problems.push({ field: INLINE, message: 'both REFRESHER_CONFIG and CONFIG_FILE are set: give the configuration one way only' });
  }
  const forCheck = { ...env, PCC_API_KEY: KEY_NOT_YET_READ, PCC_API_KEY_FILE: undefined, ...(inline !== undefined ? { CONFIG_FILE: INLINE } : {}) };
  let config: Config | undefined;
  try {
    config = loadConfig({ env: forCheck, readFile: (path) => (inline !== undefined && path === INLINE ? inline : readFile(path)) });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems.map((p) => renamed(p, inline !== undefined)));
  }
  config?.targets.forEach((target, index) => {
    if (target.destination.kind !== 'pipecat') {
      const field = inline !== undefined ? `targets[${index}].kubernetesSecret` : 'KUBERNETES_SECRET';
      problems.push({ field, message: 'the Lambda function fills Pipecat Cloud secret sets only: use secretSet, and run the daemon in the cluster for Kubernetes Secrets' });
    }
  });
  if (problems.length > 0 || !config || !source) throw new ConfigError(problems);
  const { apiKey: _placeholder, ...rest } = config;
  return { config: rest, keySource: source };
}

function renamed(problem: ConfigProblem, inline: boolean): ConfigProblem {
  if (problem.field === 'PCC_API_KEY') {
    // The only way the stand-in key meets a conflict is an apiKeyFile in the configuration.
    return { field: 'apiKeyFile', message: 'is not used by the Lambda function: remove it and set PCC_API_KEY_SECRET_ARN or PCC_API_KEY_PARAMETER' };
  }
  if (inline && problem.field === 'CONFIG_FILE') {
    return { field: INLINE, message: problem.message.replace(`"${INLINE}" is`, 'the value is').replace(`"${INLINE}" must`, 'the value must') };
  }
  return problem;
}
