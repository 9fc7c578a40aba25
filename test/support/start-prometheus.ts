// A real Prometheus server (Debian's `prometheus`) on loopback for end-to-end
// tests: 1 s scrape and evaluation, storage in a throwaway directory, alerts
// re-sent every second. Returns once /-/ready answers.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { findTool } from './find-tool.js';
import type { ProcessTracker, TrackedProcess } from './create-process-tracker.js';
import { createPrometheusApi, type PrometheusApi } from './create-prometheus-api.js';
import { freePort } from './free-port.js';
import { waitFor } from './wait-for.js';

export interface ScrapeJob {
  job: string;
  /** host:port */
  target: string;
  honorLabels?: boolean;
}

export interface RunningPrometheus {
  api: PrometheusApi;
  process: TrackedProcess;
}

export async function startPrometheus(
  tracker: ProcessTracker,
  options: { dir: string; jobs: ScrapeJob[]; ruleFiles?: string[]; startTimeoutMs?: number },
): Promise<RunningPrometheus> {
  const binary = findTool('prometheus');
  const port = await freePort();
  const configFile = join(options.dir, 'prometheus.yml');
  mkdirSync(join(options.dir, 'tsdb'), { recursive: true });
  writeFileSync(
    configFile,
    stringify({
      global: { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' },
      rule_files: options.ruleFiles ?? [],
      scrape_configs: options.jobs.map((j) => ({
        job_name: j.job,
        honor_labels: j.honorLabels ?? false,
        static_configs: [{ targets: [j.target] }],
      })),
    }),
  );
  const process = tracker.start(binary, [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${join(options.dir, 'tsdb')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--rules.alert.resend-delay=1s',
    '--log.level=warn',
  ]);
  const api = createPrometheusApi(`http://127.0.0.1:${port}`);
  try {
    await waitFor(
      async () => {
        if (process.child.exitCode !== null) throw new Error(`prometheus exited ${process.child.exitCode}: ${process.stderr()}`);
        if (!(await api.ready())) return false;
        // Another server may have won the port race: make sure it is ours.
        const flags = await api.flags();
        return flags['storage.tsdb.path'] === join(options.dir, 'tsdb') && process.child.exitCode === null;
      },
      { what: 'prometheus /-/ready', timeoutMs: options.startTimeoutMs ?? 20_000 },
    );
  } catch (error) {
    await process.stop();
    throw new Error(`${(error as Error).message}\nprometheus stderr:\n${process.stderr().slice(-2000)}`);
  }
  return { api, process };
}
