// Runs podman the way every image test and the benchmark do: with the containers.conf that
// scripts/test-tools/container.sh writes (host networking, runc), and says plainly why podman
// cannot run when it cannot — callers fail on that, they never skip.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand, type CommandRun } from '../../../bench/run-command.js';
import { ROOT } from '../../support/ensure-built.js';
import type { EcrStandIn } from '../../../stand-ins/ecr-stand-in.js';
import type { SecretsApiStandIn } from '../../../stand-ins/secrets-api-stand-in.js';

export const CONTAINERS_CONF = join(ROOT, '.tools', 'containers', 'containers.conf');

export type PodmanRun = CommandRun;

/**
 * podman with the given arguments. `env` adds variables to podman's own environment, which is how
 * secrets reach a container (`-e NAME` without a value): never through the process arguments.
 */
export async function podman(args: string[], options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<PodmanRun> {
  const run = await runCommand('podman', args, {
    env: { ...process.env, CONTAINERS_CONF, ...options.env },
    timeoutMs: options.timeoutMs,
    what: 'podman (scripts/test-tools/container.sh installs it)',
  });
  // Without systemd podman cannot schedule health checks itself and says so on every run; the
  // tests run them with `podman healthcheck run`.
  return { ...run, stderr: run.stderr.replace(/^.*unable to get systemd connection.*\n/gm, '') };
}

/** podman that must succeed; the error carries its output. */
export async function podmanOk(args: string[], options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<string> {
  const run = await podman(args, options);
  if (run.code !== 0) throw new Error(`podman ${args.join(' ')} exited ${run.code}:\n${run.stderr.slice(-3000)}${run.stdout.slice(-2000)}`);
  return run.stdout;
}

/** Throws, saying why, when podman cannot run containers on this machine. */
export async function assertPodmanWorks(): Promise<void> {
  if (!existsSync(CONTAINERS_CONF)) {
    throw new Error(`${CONTAINERS_CONF} is missing: run scripts/test-tools/container.sh (scripts/test does) to install podman and the base images`);
  }
  const info = await podman(['info', '--format', '{{.Host.OCIRuntime.Name}}']);
  if (info.code !== 0) throw new Error(`podman cannot run on this machine (podman info exited ${info.code}):\n${info.stderr.slice(-2000)}`);
}

/**
 * The refresher's settings for a container run against the stand-ins, as `-e NAME` flags with the
 * values in podman's own environment: no value appears in any argument. `accessKeyId` names the
 * test, so its requests are told apart at the ECR stand-in.
 */
export function standInSettings(standIns: { ecr: EcrStandIn; api: SecretsApiStandIn }, accessKeyId: string, extra: Record<string, string> = {}) {
  const env: Record<string, string> = {
    AWS_ENDPOINT_URL_ECR: standIns.ecr.url,
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: `${accessKeyId.toLowerCase()}-secret-access-key`,
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    PCC_API_URL: standIns.api.url,
    PCC_API_KEY: standIns.api.apiKey,
    METRICS_HOST: '127.0.0.1',
    ...extra,
  };
  return { flags: Object.keys(env).flatMap((name) => ['-e', name]), env };
}
