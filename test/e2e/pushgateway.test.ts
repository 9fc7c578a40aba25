// One-shot runs (`--once` with PUSHGATEWAY_URL) against a real Pushgateway:
// each secret set's series land in a group of their own, the shared request
// histograms in the job's group, no process series anywhere; a run in which
// one set fails exits 1 and updates only that set's failure series, so the
// expiry of the token still in the set stays visible and a real Prometheus
// scraping the gateway can keep evaluating the expiry alerts. A gateway that
// cannot be reached makes the run exit 1 with a log line that says so.
// A gateway behind basic auth (its web config's basic_auth_users) takes the
// credentials from PUSHGATEWAY_AUTH_FILE or from user:password@ in the URL;
// the password shows up in no output, and the URL is logged without it.
//
// Tokens here live 120 s; the rules are rendered with `< 14400` -> `< 150`
// (so every token counts as expiring and the alert must fire for both sets,
// the failed one included), `< 3600` -> `< 60`, and `for: 2s`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SecretsApiStandIn } from '../../stand-ins/secrets-api-stand-in.js';
import type { BuiltCli } from '../support/create-built-cli.js';
import type { ProcessTracker } from '../support/create-process-tracker.js';
import { freePort } from '../support/free-port.js';
import { hasSeries, metricValue } from '../support/metric-value.js';
import { systemTest } from '../support/system-test.js';
import { renderFastAlertRules } from '../support/render-fast-alert-rules.js';
import { startPrometheus } from '../support/start-prometheus.js';
import { startPushgateway, type PushgatewayGroup, type RunningPushgateway } from '../support/start-pushgateway.js';
import { waitFor } from '../support/wait-for.js';

const JOB = 'ecr-token-refresher';
const SET_A = 'ecr-e2e-push-a';
const SET_B = 'ecr-e2e-push-b';
const REGISTRY = '123456789012/us-east-1';

systemTest.override({ standInOptions: { ecr: { tokenLifetimeSeconds: 120 }, api: { provisioningDelayMs: 100 } } });
let tracker: ProcessTracker;
let dir: string;
let configFile: string;
let cli: BuiltCli;
let cliEnv: (extra: Record<string, string>) => NodeJS.ProcessEnv;
let api: SecretsApiStandIn | undefined;
let gatewayStarting: Promise<RunningPushgateway> | undefined;
/** Started by the first test that needs it, so a missing tool fails that test by name. */
const startedGateway = () => (gatewayStarting ??= startPushgateway(tracker));

systemTest.beforeAll(({ processes, home, cli: builtCli, cliEnv: envFor, api: apiStandIn }) => {
  [tracker, dir, cli, cliEnv, api] = [processes, home, builtCli, envFor, apiStandIn];
  configFile = join(dir, 'config.yaml');
  writeFileSync(
    configFile,
    ['awsRegion: us-east-1', 'targets:', ...[SET_A, SET_B].flatMap((s) => [`  - secretSet: ${s}`, `    registryId: "123456789012"`]), ''].join(
      '\n',
    ),
  );
}, 60_000);

/** Runs `node dist/cli.js --once --config <file>`; a run that outlives timeoutMs is killed and fails the test. */
async function runOnce(pushgatewayUrl: string, timeoutMs = 30_000, extraEnv: Record<string, string> = {}) {
  const run = cli.start(['--once', '--config', configFile], {
    env: cliEnv({ PUSHGATEWAY_URL: pushgatewayUrl, RETRY_INITIAL_DELAY: '1s', CONFIRM_TIMEOUT: '10s', REQUEST_TIMEOUT: '5s', ...extraEnv }),
  });
  const timer = setTimeout(() => void run.stop(1_000), timeoutMs);
  const { code, signal } = await run.exited;
  clearTimeout(timer);
  await run.stop();
  if (signal) throw new Error(`the one-shot run was killed (${signal}) after ${timeoutMs} ms; log:\n${run.stdout().slice(-3000)}`);
  return { code, entries: run.logEntries(), stdout: run.stdout(), stderr: run.stderr() };
}

function group(groups: PushgatewayGroup[], secretSet?: string): PushgatewayGroup {
  const found = groups.find((g) => g.labels.job === JOB && g.labels.secret_set === secretSet);
  if (!found) throw new Error(`no Pushgateway group job=${JOB} secret_set=${secretSet}; groups: ${JSON.stringify(groups.map((g) => g.labels))}`);
  return found;
}

/** A series the group must hold (absent fails the test, it does not read as 0), summed like PromQL's sum(). */
async function sample(g: PushgatewayGroup, name: string, labels: Record<string, string> = {}): Promise<number> {
  expect(await hasSeries(g, name, labels), `${name} ${JSON.stringify(labels)} in group ${JSON.stringify(g.labels)}`).toBe(true);
  return metricValue(g, name, labels);
}

describe('one-shot runs pushing to a real Pushgateway', () => {
  it('pushes each set to its own group and the shared histograms to the job group, without process series', async () => {
    const gateway = await startedGateway();
    const run = await runOnce(gateway.url);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.entries.find((e) => e.msg === 'metrics pushed to the Pushgateway')).toMatchObject({ groups: 3 });

    const groups = await gateway.groups();
    expect(groups.map((g) => g.labels).sort((x, y) => (x.secret_set ?? '').localeCompare(y.secret_set ?? ''))).toEqual([
      { job: JOB },
      { job: JOB, secret_set: SET_A },
      { job: JOB, secret_set: SET_B },
    ]);
    const now = Date.now() / 1000;
    for (const set of [SET_A, SET_B]) {
      const g = group(groups, set);
      expect(await sample(g, 'ecr_token_refresher_last_success_timestamp_seconds', { registry: REGISTRY })).toBeGreaterThan(now - 60);
      const expiry = await sample(g, 'ecr_token_refresher_token_expiry_timestamp_seconds', { registry: REGISTRY });
      expect(expiry).toBeGreaterThan(now + 60);
      expect(expiry).toBeLessThan(now + 121);
      expect(await sample(g, 'ecr_token_refresher_consecutive_failures')).toBe(0);
      expect(await sample(g, 'ecr_token_refresher_target_info')).toBe(1);
      expect(Object.keys(g.families).filter((name) => name.startsWith('ecr_token_refresher_ecr_request'))).toEqual([]);
    }
    const shared = group(groups, undefined);
    expect(shared.families.ecr_token_refresher_ecr_request_duration_seconds?.type).toBe('HISTOGRAM');
    expect(shared.families.ecr_token_refresher_secrets_api_request_duration_seconds?.type).toBe('HISTOGRAM');
    expect(await sample(shared, 'ecr_token_refresher_build_info')).toBe(1);

    const pushedNames = groups.flatMap((g) => Object.keys(g.families));
    expect(pushedNames.filter((name) => /^(process_|nodejs_)/.test(name))).toEqual([]);
    const text = await gateway.metricsText();
    expect(text).not.toMatch(/^(process_|nodejs_)\w*\{[^}]*job="ecr-token-refresher"/m);
  }, 60_000);

  it('exits 1 when one set fails, keeps its last token expiry, and the expiry alerts still evaluate it', async () => {
    const gateway = await startedGateway();
    const before = group(await gateway.groups(), SET_B);
    const expiryBefore = await sample(before, 'ecr_token_refresher_token_expiry_timestamp_seconds');
    expect(expiryBefore).toBeDefined();
    const lastSuccessBefore = await sample(before, 'ecr_token_refresher_last_success_timestamp_seconds');

    api!.setProvisioning(SET_B, { outcome: 'failed', errorMessage: 'image pull secret rejected' });
    let run;
    try {
      run = await runOnce(gateway.url);
    } finally {
      api!.setProvisioning(SET_B, undefined);
    }
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.entries.find((e) => e.msg === 'one-shot run finished')).toMatchObject({ targets: 2, failed: [SET_B] });

    const groups = await gateway.groups();
    const b = group(groups, SET_B);
    expect(await sample(b, 'ecr_token_refresher_consecutive_failures')).toBeGreaterThanOrEqual(1);
    expect(await sample(b, 'ecr_token_refresher_last_failure_info', { stage: 'confirm', reason: 'provisioning_failed' })).toBe(1);
    expect(await sample(b, 'ecr_token_refresher_at_risk')).toBe(1);
    expect(await sample(b, 'ecr_token_refresher_secret_ready')).toBe(0);
    // The token the earlier run pushed is still the one in the set: its expiry stays.
    expect(await sample(b, 'ecr_token_refresher_token_expiry_timestamp_seconds')).toBe(expiryBefore);
    expect(await sample(b, 'ecr_token_refresher_last_success_timestamp_seconds')).toBe(lastSuccessBefore);
    const a = group(groups, SET_A);
    expect(await sample(a, 'ecr_token_refresher_token_expiry_timestamp_seconds')).toBeGreaterThanOrEqual(expiryBefore!);
    expect(a.families.ecr_token_refresher_last_failure_info).toBeUndefined();

    // A real Prometheus scraping the gateway (honor_labels) with the shipped rules.
    const rules = join(dir, 'prometheus-rules.yaml');
    writeFileSync(rules, renderFastAlertRules({ expiringSoonSeconds: 150, aboutToExpireSeconds: 60, forDuration: '2s' }));
    const promDir = join(dir, 'prometheus');
    const { api: prometheus } = await startPrometheus(tracker, {
      dir: promDir,
      jobs: [{ job: 'pushgateway', target: new URL(gateway.url).host, honorLabels: true }],
      ruleFiles: [rules],
    });
    const left = await waitFor(
      async () => (await prometheus.query(`ecr_token_refresher_token_expiry_timestamp_seconds{secret_set="${SET_B}"} - time()`))[0],
      { what: 'the failed set\'s token expiry in Prometheus', timeoutMs: 20_000 },
    );
    expect(left.metric).toMatchObject({ job: JOB, secret_set: SET_B, registry: REGISTRY });
    expect(Number(left.value[1])).toBeGreaterThan(0);
    expect(Number(left.value[1])).toBeLessThan(120);

    const firing = await waitFor(
      async () => {
        const alerts = (await prometheus.alerts()).filter((x) => x.state === 'firing');
        const soon = alerts.filter((x) => x.labels.alertname === 'EcrTokenRefresherTokenExpiringSoon').map((x) => x.labels.secret_set);
        const risk = alerts.find((x) => x.labels.alertname === 'EcrTokenRefresherAtRisk' && x.labels.secret_set === SET_B);
        return soon.includes(SET_A) && soon.includes(SET_B) && risk ? alerts : undefined;
      },
      { what: 'TokenExpiringSoon for both sets and AtRisk for the failed one', timeoutMs: 20_000 },
    );
    const soonB = firing.find((x) => x.labels.alertname === 'EcrTokenRefresherTokenExpiringSoon' && x.labels.secret_set === SET_B);
    expect(soonB?.labels).toMatchObject({ job: JOB, registry: REGISTRY, severity: 'warning' });
    const riskB = firing.find((x) => x.labels.alertname === 'EcrTokenRefresherAtRisk' && x.labels.secret_set === SET_B);
    expect(riskB?.labels).toMatchObject({ job: JOB, registry: REGISTRY, severity: 'critical' });
    // The expiry is known, so the "no confirmed token" alert is not even pending for the set.
    const missing = (await prometheus.alerts()).filter((x) => x.labels.alertname === 'EcrTokenRefresherTokenExpiryMissing');
    expect(missing).toEqual([]);
  }, 90_000);

  it('exits 1 and logs why when the Pushgateway cannot be reached', async () => {
    const deadUrl = `http://127.0.0.1:${await freePort()}`;
    const run = await runOnce(deadUrl);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const finished = run.entries.find((e) => e.msg === 'one-shot run finished');
    expect(finished).toMatchObject({ targets: 2, failed: [] });
    const failure = run.entries.find((e) => e.msg === 'pushing metrics to the Pushgateway failed');
    expect(failure, run.stdout).toBeDefined();
    expect(failure?.level === 50 || failure?.level === 'error').toBe(true);
    expect(JSON.stringify(failure?.err)).toMatch(/ECONNREFUSED/);
  }, 60_000);
});

// The gateway's web config holds the bcrypt hash (cost 10) of AUTH_PASSWORD, made once with
// libxcrypt: crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1024)).
const AUTH_USER = 'refresher';
const AUTH_PASSWORD = 'pgw-e2e-3c7d9f1a5b2e8046';
const AUTH_HASH = '$2b$10$4iDgGb6GQRB1sInHX6ySIeKC9cPNSAdVTnE6S2V1/Ch16nBqATDLW';
const BASIC = `Basic ${Buffer.from(`${AUTH_USER}:${AUTH_PASSWORD}`).toString('base64')}`;
let securedStarting: Promise<RunningPushgateway> | undefined;
const securedGateway = () => {
  if (!securedStarting) {
    const webConfig = join(dir, 'pushgateway-web.yaml');
    writeFileSync(webConfig, `basic_auth_users:\n  ${AUTH_USER}: ${AUTH_HASH}\n`);
    securedStarting = startPushgateway(tracker, { webConfigFile: webConfig, authorization: BASIC });
  }
  return securedStarting;
};

/** The credentials in none of their forms in the run's output. */
function expectNoCredentials(run: { stdout: string; stderr: string }) {
  const output = run.stdout + run.stderr;
  expect(output).not.toContain(AUTH_PASSWORD);
  expect(output).not.toContain(BASIC.slice('Basic '.length));
}

describe('one-shot runs pushing to a Pushgateway behind basic auth', () => {
  it('the gateway really refuses a push without credentials', async () => {
    const gateway = await securedGateway();
    const response = await fetch(`${gateway.url}/metrics/job/probe`, { method: 'PUT', body: 'x 1\n' });
    expect(response.status).toBe(401);
  }, 30_000);

  it('pushes with user:password from PUSHGATEWAY_AUTH_FILE, and the password is in no output', async () => {
    const gateway = await securedGateway();
    const authFile = join(dir, 'pushgateway-auth');
    writeFileSync(authFile, `${AUTH_USER}:${AUTH_PASSWORD}\n`);
    const run = await runOnce(gateway.url, 30_000, { PUSHGATEWAY_AUTH_FILE: authFile });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.entries.find((e) => e.msg === 'metrics pushed to the Pushgateway')).toMatchObject({ pushgateway: gateway.url, groups: 3 });
    const labels = (await gateway.groups()).map((g) => g.labels.secret_set ?? '');
    expect(labels.sort()).toEqual(['', SET_A, SET_B]);
    expectNoCredentials(run);
  }, 60_000);

  it('sends user:password@ of PUSHGATEWAY_URL as basic auth and logs the URL without it', async () => {
    const gateway = await securedGateway();
    const withCredentials = gateway.url.replace('http://', `http://${AUTH_USER}:${AUTH_PASSWORD}@`);
    const run = await runOnce(withCredentials);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.entries.find((e) => e.msg === 'metrics pushed to the Pushgateway')).toMatchObject({ pushgateway: gateway.url, groups: 3 });
    expectNoCredentials(run);
  }, 60_000);

  it('exits 1 with a line naming PUSHGATEWAY_AUTH_FILE when the gateway refuses the push, and no password in it', async () => {
    const gateway = await securedGateway();
    const noAuth = await runOnce(gateway.url);
    expect(noAuth.code, noAuth.stdout + noAuth.stderr).toBe(1);
    const refused = noAuth.entries.find((e) => e.msg === 'pushing metrics to the Pushgateway failed');
    expect(refused?.err).toMatchObject({ status: 401, reason: 'unauthorized', message: expect.stringContaining('set PUSHGATEWAY_AUTH_FILE') });

    const wrong = await runOnce(gateway.url.replace('http://', `http://${AUTH_USER}:not-${AUTH_PASSWORD}@`));
    expect(wrong.code, wrong.stdout + wrong.stderr).toBe(1);
    const denied = wrong.entries.find((e) => e.msg === 'pushing metrics to the Pushgateway failed');
    expect(denied?.err).toMatchObject({ status: 401, reason: 'unauthorized', message: expect.stringContaining('check PUSHGATEWAY_AUTH_FILE') });
    expect(wrong.stdout + wrong.stderr).not.toContain(`not-${AUTH_PASSWORD}`);
  }, 60_000);
});
