// A real Prometheus scrapes the running daemon and evaluates the shipped alert
// rules: the expiry gauge is in the future while refreshes work; a secrets API
// that answers 503 to every PUT makes the failing and expiry alerts fire with
// the labels an on-call engineer needs; clearing the fault resolves them.
//
// ECR tokens here live 60 s instead of 12 h, so the rules are rendered into a
// temp dir with their thresholds replaced as text (the chart overrides them the
// same way): `< 14400` -> `< 45`, `< 3600` -> `< 35`, and every `for: <n>m` ->
// `for: 2s`. With a refresh every 5 s a token never has less than ~55 s left
// while things work, and once PUTs fail it crosses 45 s after ~15 s and 35 s
// after ~25 s. REFRESH_MARGIN 30s makes the target at risk after ~30 s.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect } from 'vitest';
import type { SecretsApiStandIn } from '../../stand-ins/secrets-api-stand-in.js';
import { findTool } from '../support/find-tool.js';
import type { BuiltCli } from '../support/create-built-cli.js';
import type { ProcessTracker, TrackedProcess } from '../support/create-process-tracker.js';
import type { PrometheusAlert, PrometheusApi } from '../support/create-prometheus-api.js';
import { FAST_DAEMON_ENV } from '../support/fast-daemon-env.js';
import { systemTest } from '../support/system-test.js';
import { renderFastAlertRules } from '../support/render-fast-alert-rules.js';
import { startPrometheus } from '../support/start-prometheus.js';
import { waitFor } from '../support/wait-for.js';

const SECRET_SET = 'ecr-e2e-scrape';
const REGISTRY = '123456789012/us-east-1';
const JOB = 'ecr-token-refresher';

systemTest.override({ standInOptions: { ecr: { tokenLifetimeSeconds: 60 }, api: { provisioningDelayMs: 100 } } });
let api: SecretsApiStandIn | undefined;
let daemon: TrackedProcess | undefined;
let prometheus: PrometheusApi;
const started = Date.now();
const timeline: string[] = [];
const mark = (what: string) => timeline.push(`t=${((Date.now() - started) / 1000).toFixed(1)}s ${what}`);


afterAll(() => {
  console.info(`prometheus-scrape timeline:\n  ${timeline.join('\n  ')}`);
});

/** Stand-ins, the daemon, and a Prometheus scraping it with the fast rules. */
async function startEverything(fixtures: { cli: BuiltCli; cliEnv: (extra: Record<string, string>) => NodeJS.ProcessEnv; processes: ProcessTracker; home: string }) {
  findTool('prometheus');
  const { cli, cliEnv, processes: tracker, home: dir } = fixtures;
  const spawned = cli.start([], {
    env: cliEnv({
      PCC_SECRET_SET: SECRET_SET,
      ECR_REGISTRY_ID: '123456789012',
      ...FAST_DAEMON_ENV,
    }),
  });
  daemon = spawned;
  const startedLine = await waitFor(
    () => {
      if (spawned.child.exitCode !== null) throw new Error(`the daemon exited with ${spawned.child.exitCode}: ${spawned.stderr().slice(-1000)}`);
      return spawned.logEntries().find((e) => e.msg === 'ecr-token-refresher started');
    },
    { what: "the daemon's start-up log line", timeoutMs: 15_000 },
  );
  const metricsUrl = new URL(String(startedLine.metrics));

  const rules = join(dir, 'prometheus-rules.yaml');
  writeFileSync(rules, renderFastAlertRules({ expiringSoonSeconds: 45, aboutToExpireSeconds: 35, forDuration: '2s' }));
  prometheus = (await startPrometheus(tracker, { dir, jobs: [{ job: JOB, target: metricsUrl.host }], ruleFiles: [rules] })).api;
  mark('daemon and Prometheus up');
}

/** Adds the daemon's recent log to a failure, so a timeout says what the daemon was doing. */
async function explained<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    const tail = (daemon?.stdout() ?? '').split('\n').slice(-15).join('\n');
    throw new Error(`${(error as Error).message}\n--- daemon log (last lines):\n${tail}`);
  }
}

async function activeAlert(name: string, state: PrometheusAlert['state']): Promise<PrometheusAlert | undefined> {
  return (await prometheus.alerts()).find((a) => a.labels.alertname === name && a.labels.secret_set === SECRET_SET && a.state === state);
}

describe('the daemon scraped by a real Prometheus with the shipped alert rules', () => {
  systemTest('exports a future token expiry, fires the failing and expiry alerts while PUTs fail, and resolves them after recovery', async ({ cli, cliEnv, processes, home, api: apiStandIn }) => {
    // Inside the test, so a missing tool or a failed build fails it by name.
    api = apiStandIn;
    await startEverything({ cli, cliEnv, processes, home });

    // (a) Scraped, with the expiry of the token just pushed in the future.
    const expiry = await explained(
      waitFor(
        async () => (await prometheus.query(`ecr_token_refresher_token_expiry_timestamp_seconds{secret_set="${SECRET_SET}"}`))[0],
        { what: 'the token expiry series in Prometheus', timeoutMs: 20_000 },
      ),
    );
    mark('token expiry scraped');
    expect(expiry.metric).toMatchObject({ job: JOB, secret_set: SECRET_SET, registry: REGISTRY });
    const [evaluatedAt, value] = expiry.value;
    expect(Number(value)).toBeGreaterThan(evaluatedAt);
    expect(Number(value)).toBeLessThanOrEqual(evaluatedAt + 61);
    expect((await prometheus.alerts()).filter((a) => a.labels.secret_set === SECRET_SET)).toEqual([]);

    // (b) Every PUT now fails with 503: retried, counted, and alerted on.
    api!.setFault({ kind: 'status', status: 503 }, 'put');
    mark('secrets API PUT fault set (503)');
    const failing = await explained(
      waitFor(() => activeAlert('EcrTokenRefresherRefreshFailing', 'firing'), { what: 'RefreshFailing firing', timeoutMs: 30_000 }),
    );
    mark(`EcrTokenRefresherRefreshFailing firing (value ${failing.value})`);
    expect(failing.labels).toMatchObject({
      secret_set: SECRET_SET,
      registry: REGISTRY,
      severity: 'warning',
      stage: 'push',
      reason: 'server_error',
      job: JOB,
    });
    expect(Number(failing.value)).toBeGreaterThanOrEqual(3);
    expect(failing.annotations.summary).toContain(SECRET_SET);
    expect(failing.annotations.runbook_url).toBe('https://github.com/pipecat-ai/ecr-token-refresher/blob/main/docs/alerts.md#refresh-failing');

    const soon = await explained(
      waitFor(() => activeAlert('EcrTokenRefresherTokenExpiringSoon', 'firing'), { what: 'TokenExpiringSoon firing', timeoutMs: 30_000 }),
    );
    mark('EcrTokenRefresherTokenExpiringSoon firing');
    expect(soon.labels).toMatchObject({ secret_set: SECRET_SET, registry: REGISTRY, severity: 'warning' });

    const critical = await explained(
      waitFor(() => activeAlert('EcrTokenRefresherTokenAboutToExpire', 'firing'), { what: 'TokenAboutToExpire firing', timeoutMs: 20_000 }),
    );
    mark('EcrTokenRefresherTokenAboutToExpire firing');
    expect(critical.labels).toMatchObject({ secret_set: SECRET_SET, registry: REGISTRY, severity: 'critical' });
    expect(Number(critical.value)).toBeLessThan(35);

    const atRisk = await explained(
      waitFor(() => activeAlert('EcrTokenRefresherAtRisk', 'firing'), { what: 'AtRisk firing', timeoutMs: 20_000 }),
    );
    mark('EcrTokenRefresherAtRisk firing');
    expect(atRisk.labels).toMatchObject({ secret_set: SECRET_SET, registry: REGISTRY, severity: 'critical' });

    // (c) The API answers again: the next retry succeeds and every alert for the set resolves.
    api!.setFault(undefined, 'put');
    mark('fault cleared');
    await explained(
      waitFor(
        async () => {
          const left = (await prometheus.alerts()).filter((a) => a.labels.secret_set === SECRET_SET && a.state !== 'inactive');
          return left.length === 0 ? true : undefined;
        },
        { what: 'every alert for the set to resolve', timeoutMs: 20_000 },
      ),
    );
    mark('all alerts for the set resolved');
    const [fresh] = await prometheus.query(`ecr_token_refresher_token_expiry_timestamp_seconds{secret_set="${SECRET_SET}"} - time()`);
    expect(Number(fresh?.value[1])).toBeGreaterThan(45);
    const [failures] = await prometheus.query(`ecr_token_refresher_consecutive_failures{secret_set="${SECRET_SET}"}`);
    expect(failures?.value[1]).toBe('0');
  }, 120_000);
});
