// The one entry to configuration: builds the Config from env vars and an
// optional YAML/JSON config file, once, at start-up. Env vars win over the
// file's settings. Every problem is collected and thrown together in one
// ConfigError, the rules across settings included: the retry delays, the
// Lease's timings, which must nest (retry period < renew deadline < lease
// duration) or a leader could lose its Lease before it notices, and leader
// election, which is for the daemon, not for --once.
import { ConfigError, unknownKeyProblems, type ConfigProblem } from './config-error.js';
import type { Config, KubernetesConnectionConfig, LeaderElectionConfig } from './config.js';
import { readApiKey, readPushgatewayAuth } from './read-credentials.js';
import { readConfigFile } from './read-file.js';
import { readEnv, readSettings, type Env, type EnvReader } from './read-settings.js';
import { loadTargets, needsApiKey } from './read-targets.js';
import { KUBERNETES_SETTINGS, LEADER_ELECTION_SETTINGS, SETTINGS, TOP_LEVEL_HINTS, TOP_LEVEL_KEYS } from './schema.js';

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
  const file = readConfigFile(filePath, configFile !== undefined ? '--config' : 'CONFIG_FILE', readFile, problems);
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

/** Messages quote bad values; a key pasted into the wrong setting must not be printed back. */
function withoutKey(problems: ConfigProblem[], keys: (string | undefined)[]): ConfigProblem[] {
  const known = keys.map((k) => k?.trim()).filter((k): k is string => k !== undefined && k.length >= 8);
  return problems.map((p) => ({ ...p, message: known.reduce((message, k) => message.split(k).join('[REDACTED]'), p.message) }));
}

/** Leader election and the API server connection, from env vars and the file's `leaderElection:` mapping. */
interface KubernetesSettings {
  leaderElection: LeaderElectionConfig;
  kubernetes: KubernetesConnectionConfig;
}

const SECTION_KEYS = LEADER_ELECTION_SETTINGS.map((s) => s.key!.slice('leaderElection.'.length));

function loadKubernetesSettings(
  env: EnvReader,
  file: Record<string, unknown> | undefined,
  once: boolean,
  problems: ConfigProblem[],
): KubernetesSettings {
  const section = file?.leaderElection;
  if (section !== undefined && section !== null) {
    if (typeof section !== 'object' || Array.isArray(section)) {
      problems.push({ field: 'leaderElection', message: 'must be a mapping, like `leaderElection: { enabled: true }`' });
    } else problems.push(...unknownKeyProblems(section as Record<string, unknown>, 'leaderElection.', { keys: SECTION_KEYS }));
  }
  const election = readSettings(LEADER_ELECTION_SETTINGS, env, file, problems);
  const connection = readSettings(KUBERNETES_SETTINGS, env, undefined, problems);
  const { podName, podNamespace, ...kubernetes } = connection.values;
  const leaderElection = {
    ...election.values,
    ...(election.values.namespace === undefined && podNamespace !== undefined && { namespace: podNamespace }),
    ...(podName !== undefined && { identity: podName }),
  } as unknown as LeaderElectionConfig;

  const where = (field: string, fallback: string) => election.sources.get(field) ?? fallback;
  if (leaderElection.renewDeadlineMs >= leaderElection.leaseDurationMs) {
    problems.push({
      field: where('renewDeadlineMs', where('leaseDurationMs', 'LEADER_ELECTION_RENEW_DEADLINE')),
      message: 'the renew deadline must be shorter than the lease duration (e.g. 10s and 15s): a leader must give up writing before its Lease can expire',
    });
  }
  if (leaderElection.retryPeriodMs >= leaderElection.renewDeadlineMs) {
    problems.push({
      field: where('retryPeriodMs', where('renewDeadlineMs', 'LEADER_ELECTION_RETRY_PERIOD')),
      message: 'the retry period must be shorter than the renew deadline (e.g. 2s and 10s), so a leader gets several tries to renew',
    });
  }
  if (once && leaderElection.enabled) {
    problems.push({
      field: where('enabled', 'LEADER_ELECTION'),
      message: 'leader election is for the daemon: unset it for --once runs (a CronJob starts one run at a time), or run without --once',
    });
  }
  return { leaderElection, kubernetes: kubernetes as unknown as KubernetesConnectionConfig };
}
