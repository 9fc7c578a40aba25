// Leader election and the API server connection, from env vars and the
// file's `leaderElection:` mapping. The Lease's timings must nest (retry
// period < renew deadline < lease duration) or a leader could lose its Lease
// before it notices; leader election is for the daemon, not for --once.
import type { ConfigProblem } from './config-error.js';
import type { KubernetesConnectionConfig, LeaderElectionConfig } from './config.js';
import { KUBERNETES_SETTINGS, LEADER_ELECTION_SETTINGS } from './kubernetes-settings.js';
import type { EnvReader } from './read-env.js';
import { readSettings } from './read-settings.js';
import { unknownKeyProblems } from './unknown-key-problems.js';

export interface KubernetesSettings {
  leaderElection: LeaderElectionConfig;
  kubernetes: KubernetesConnectionConfig;
}

const SECTION_KEYS = LEADER_ELECTION_SETTINGS.map((s) => s.key!.slice('leaderElection.'.length));

export function loadKubernetesSettings(
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
