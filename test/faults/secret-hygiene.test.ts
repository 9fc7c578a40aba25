// No secret leaves the process except in the PUT body. A broad set of runs of
// the built CLI (success in both formats, --dry-run, --once with a Pushgateway,
// failures of each kind, bad configuration, the daemon with /metrics scraped
// and alert webhooks) has all its output captured: stdout, stderr, the
// /metrics, /healthz and /readyz text, every webhook and Pushgateway body.
// None of it may hold an issued ECR password, an authorizationToken, the
// base64 of "AWS:<password>", or the API key, whole or in pieces. The command
// line of a running daemon (/proc/<pid>/cmdline) holds neither the key nor a
// token. (Its environment does hold the key: that is how it is given.)
//
// The tokens are taken from the ECR stand-in's record of what it issued.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ecrErrors } from '../../stand-ins/ecr-fault.js';
import type { EcrStandIn, IssuedEcrToken } from '../../stand-ins/ecr-stand-in.js';
import { startSecretsApiStandIn, type SecretsApiStandIn } from '../../stand-ins/secrets-api-stand-in.js';
import type { BuiltCli } from '../support/create-built-cli.js';
import type { TrackedProcess } from '../support/create-process-tracker.js';
import { findSecretLeaks, type KnownSecret } from '../support/find-secret-leaks.js';
import { systemTest } from '../support/system-test.js';
import { startCaptureServer, type CaptureServer } from '../support/start-capture-server.js';
import { waitFor } from '../support/wait-for.js';

const API_KEY = 'pk_live_7d2f0c9a4b1e8d6f3a5c7e9b0d2f4a6c8e1b3d5f';
const WRONG_API_KEY = 'pk_live_0000111122223333444455556666777788889999';
const PUSHGATEWAY_PASSWORD = 'pgw-hygiene-5b8e1d4a7c0f3e6b';
systemTest.override({ standInOptions: { api: { apiKey: API_KEY, provisioningDelayMs: 50 } } });
let cli: BuiltCli;
let home: string;
let cliEnv: (extra?: Record<string, string>) => NodeJS.ProcessEnv;
let ecr: EcrStandIn;
let api: SecretsApiStandIn;
let capture: CaptureServer;
/** Every token the ECR stand-in issued in this file, kept across its resets. */
const issued: IssuedEcrToken[] = [];
/** Everything captured in this file, by where it came from. */
const captured: { source: string; text: string }[] = [];

function knownSecrets(): KnownSecret[] {
  const tokens = [...issued, ...ecr.issued];
  return [
    { label: 'the API key', value: API_KEY },
    { label: 'the wrong API key given in one scenario', value: WRONG_API_KEY },
    { label: 'the Pushgateway password', value: PUSHGATEWAY_PASSWORD },
    { label: 'the Pushgateway basic auth (base64)', value: Buffer.from(`refresher:${PUSHGATEWAY_PASSWORD}`).toString('base64') },
    ...tokens.flatMap((t, i) => [
      { label: `password of token #${i + 1}`, value: t.password },
      { label: `authorizationToken of token #${i + 1}`, value: t.authorizationToken },
      { label: `base64 "AWS:<password>" of token #${i + 1}`, value: Buffer.from(`AWS:${t.password}`).toString('base64') },
    ]),
  ];
}

/** Records output and fails at once, naming the source, if it holds a secret. */
function keep(source: string, text: string) {
  captured.push({ source, text });
  expect(findSecretLeaks(text, knownSecrets()), `secrets found in ${source}`).toEqual([]);
}

function env(extra: Record<string, string | undefined> = {}) {
  const base = cliEnv({ PCC_API_KEY: API_KEY, REQUEST_TIMEOUT: '2s', CONFIRM_TIMEOUT: '5s', RETRY_INITIAL_DELAY: '100ms', RETRY_MAX_DELAY: '1s' });
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete base[name];
    else base[name] = value;
  }
  return base;
}

async function once(name: string, extra: Record<string, string | undefined>, args = ['--once']) {
  const run = await cli.run(args, { env: env(extra), timeoutMs: 30_000 });
  keep(`${name}: stdout`, run.stdout);
  keep(`${name}: stderr`, run.stderr);
  return run;
}

function startDaemon(extra: Record<string, string>): TrackedProcess {
  return cli.start([], { env: env({ REFRESH_SCHEDULE: '0 0 1 1 *', ...extra }) });
}

async function stopDaemon(name: string, daemon: TrackedProcess) {
  const cmdline = readFileSync(`/proc/${daemon.pid}/cmdline`, 'utf8').split('\0').join(' ');
  expect(cmdline).toContain('cli.js');
  keep(`${name}: /proc/<pid>/cmdline`, cmdline);
  expect(await daemon.stop(5_000)).toEqual({ code: 0, signal: null });
  keep(`${name}: stdout`, daemon.stdout());
  keep(`${name}: stderr`, daemon.stderr());
}

async function scrape(name: string, metricsUrl: string) {
  for (const path of ['/metrics', '/healthz', '/readyz']) {
    const response = await fetch(metricsUrl.replace(/\/metrics$/, path));
    keep(`${name}: ${path}`, await response.text());
  }
}

systemTest.beforeAll(async ({ cli: builtCli, cliEnv: envFor, ecr: ecrStandIn, api: apiStandIn, home: tempHome }) => {
  [cli, cliEnv, ecr, api, home] = [builtCli, envFor, ecrStandIn, apiStandIn, tempHome];
  capture = await startCaptureServer();
}, 120_000);

beforeEach(() => {
  issued.push(...ecr.issued);
  ecr.reset();
  api.reset();
  capture.requests.length = 0;
});

afterAll(async () => {
  await capture?.close();
});

describe('no secret in any output of the CLI', () => {
  it('--once, image pull secret format: the pushed value is the token, the output is clean', async () => {
    const run = await once('once image-pull-secret', { PCC_SECRET_SET: 'ecr-hygiene-ips' });
    expect(run.code).toBe(0);
    expect(Buffer.from(api.getSet('ecr-hygiene-ips')!.secretValue!, 'base64').toString()).toBe(`AWS:${ecr.issued[0]!.password}`);
  });

  it('--once, triplet format', async () => {
    const run = await once('once triplet', { PCC_SECRET_SET: 'ecr-hygiene-triplet', PCC_SECRET_FORMAT: 'triplet' });
    expect(run.code).toBe(0);
    expect(api.getSet('ecr-hygiene-triplet')!.secrets?.password).toBe(ecr.issued[0]!.password);
  });

  it('--dry-run prints the request with the value redacted', async () => {
    const run = await once('dry-run', { PCC_SECRET_SET: 'ecr-hygiene-dry' }, ['--dry-run']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ dryRun: true, requests: [{ method: 'PUT' }] });
    expect(ecr.issued).toHaveLength(1);
    expect(api.requests.filter((r) => r.method === 'PUT')).toEqual([]);
  });

  it('--once with a Pushgateway: the pushed metrics are clean', async () => {
    const run = await once('once pushgateway', { PCC_SECRET_SET: 'ecr-hygiene-push', PUSHGATEWAY_URL: capture.url });
    expect(run.code).toBe(0);
    expect(capture.requests.length).toBeGreaterThan(0);
    for (const request of capture.requests) keep(`pushgateway ${request.method} ${request.path}`, `${JSON.stringify(request.headers)}\n${request.body}`);
  });

  it('--once with a Pushgateway behind basic auth, in the URL and in a file: the credentials go only in the Authorization header', async () => {
    const basic = `Basic ${Buffer.from(`refresher:${PUSHGATEWAY_PASSWORD}`).toString('base64')}`;
    const authFile = join(home, 'pushgateway-auth');
    writeFileSync(authFile, `refresher:${PUSHGATEWAY_PASSWORD}\n`);
    const inUrl = capture.url.replace('http://', `http://refresher:${PUSHGATEWAY_PASSWORD}@`);
    for (const [name, extra] of [
      ['once pushgateway auth in URL', { PUSHGATEWAY_URL: inUrl }],
      ['once pushgateway auth file', { PUSHGATEWAY_URL: capture.url, PUSHGATEWAY_AUTH_FILE: authFile }],
      ['dry-run pushgateway auth in URL', { PUSHGATEWAY_URL: inUrl }],
    ] as const) {
      capture.requests.length = 0;
      const run = await once(name, { PCC_SECRET_SET: 'ecr-hygiene-push-auth', ...extra }, name.startsWith('dry-run') ? ['--dry-run'] : ['--once']);
      expect(run.code).toBe(0);
      if (name.startsWith('dry-run')) continue;
      expect(capture.requests.length).toBeGreaterThan(0);
      for (const request of capture.requests) {
        expect(request.headers.authorization).toBe(basic);
        const { authorization: _, ...headers } = request.headers;
        keep(`${name}: ${request.method} ${request.path}`, `${request.path}\n${JSON.stringify(headers)}\n${request.body}`);
      }
    }
    // A refused bad config with the password in the URL does not echo it either.
    expect((await once('pushgateway auth over http to a remote host', { PCC_SECRET_SET: 'ecr-hygiene-push-auth', PUSHGATEWAY_URL: `http://refresher:${PUSHGATEWAY_PASSWORD}@pgw.example:9091` })).code).toBe(2);
  });

  it('--once, ECR refuses (AccessDeniedException)', async () => {
    ecr.setFault(ecrErrors.accessDenied);
    expect((await once('once access denied', { PCC_SECRET_SET: 'ecr-hygiene-denied' })).code).toBe(1);
  });

  it('--once, ECR throttles then answers', async () => {
    ecr.failNext(3, ecrErrors.throttling);
    expect((await once('once throttled', { PCC_SECRET_SET: 'ecr-hygiene-throttled' })).code).toBe(0);
  });

  it('--once, the PUT is refused with 400', async () => {
    api.setFault({ kind: 'status', status: 400, body: { error: 'Invalid request format', code: 'GENERIC_BAD_REQUEST' } }, 'put');
    expect((await once('once 400', { PCC_SECRET_SET: 'ecr-hygiene-400' })).code).toBe(1);
  });

  it('--once, every PUT answers 503 (four tokens minted, all failing)', async () => {
    api.setFault({ kind: 'status', status: 503 }, 'put');
    expect((await once('once 503', { PCC_SECRET_SET: 'ecr-hygiene-503' })).code).toBe(1);
    expect(ecr.issued).toHaveLength(4);
  });

  it('--once, provisioning fails', async () => {
    api.setDefaultProvisioning({ outcome: 'failed', errorMessage: 'pull secret rejected' });
    expect((await once('once provisioning failed', { PCC_SECRET_SET: 'ecr-hygiene-failed' })).code).toBe(1);
  });

  it('--once with a wrong API key (401)', async () => {
    expect((await once('once 401', { PCC_SECRET_SET: 'ecr-hygiene-401', PCC_API_KEY: WRONG_API_KEY })).code).toBe(1);
  });

  it('bad configuration: with the key set, the key given twice, the key pasted as the set name', async () => {
    expect((await once('bad cron', { PCC_SECRET_SET: 'ecr-hygiene-config', REFRESH_SCHEDULE: 'often' })).code).toBe(2);
    expect((await once('key twice', { PCC_SECRET_SET: 'ecr-hygiene-config', PCC_API_KEY_FILE: join(home, 'key') })).code).toBe(2);
    expect((await once('bad set name', { PCC_SECRET_SET: API_KEY })).code).toBe(2);
  });

  it('the daemon: log, /metrics, /healthz, /readyz and its command line are clean', async () => {
    const daemon = startDaemon({ PCC_SECRET_SET: 'ecr-hygiene-daemon', ALERT_WEBHOOK_URL: `${capture.url}/hook` });
    await waitFor(() => daemon.logEntries().some((e) => e.msg === 'secret set refreshed and ready'), {
      what: `the daemon's first refresh (stderr: ${daemon.stderr().slice(-300)})`,
      timeoutMs: 15_000,
    });
    const metricsUrl = String(daemon.logEntries().find((e) => e.msg === 'ecr-token-refresher started')?.metrics);
    await scrape('daemon', metricsUrl);
    await stopDaemon('daemon', daemon);
    expect(ecr.issued).toHaveLength(1);
  });

  it('the daemon failing (AccessDenied): the at-risk webhook body is clean', async () => {
    ecr.setFault(ecrErrors.accessDenied);
    const daemon = startDaemon({ PCC_SECRET_SET: 'ecr-hygiene-at-risk', ALERT_WEBHOOK_URL: `${capture.url}/hook` });
    const hook = await waitFor(() => capture.requests.find((r) => r.path === '/hook'), { what: 'the at-risk webhook', timeoutMs: 15_000 });
    expect(JSON.parse(hook.body)).toMatchObject({ event: 'at_risk', secret_set: 'ecr-hygiene-at-risk', reason: 'access_denied' });
    keep('at-risk webhook', hook.body);
    const metricsUrl = String(daemon.logEntries().find((e) => e.msg === 'ecr-token-refresher started')?.metrics);
    await scrape('failing daemon', metricsUrl);
    await stopDaemon('failing daemon', daemon);
  });

  it('a secrets API that echoes the pushed value in its 400 error: neither the log nor the webhook repeats it', async () => {
    // Validation errors that quote the rejected input are common; the echo is of
    // this run's own value, set while the PUT is held (putLatencyMs) at a second stand-in.
    const echoing = await startSecretsApiStandIn({ apiKey: API_KEY, provisioningDelayMs: 50, putLatencyMs: 300 });
    try {
      const daemon = cli.start([], {
        env: env({ PCC_API_URL: echoing.url, PCC_SECRET_SET: 'ecr-hygiene-echo', REFRESH_SCHEDULE: '0 0 1 1 *', ALERT_WEBHOOK_URL: `${capture.url}/hook` }),
      });
      const token = await waitFor(() => ecr.issued[0], { what: 'a token minted', timeoutMs: 15_000, intervalMs: 5 });
      echoing.setFault(
        { kind: 'status', status: 400, body: { error: `Invalid secretValue: '${token.authorizationToken}' is not accepted`, code: 'GENERIC_BAD_REQUEST' } },
        'put',
      );
      const hook = await waitFor(() => capture.requests.find((r) => r.path === '/hook'), {
        what: `the at-risk webhook (log: ${daemon.stdout().slice(-600)})`,
        timeoutMs: 15_000,
      });
      expect(echoing.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
      keep('echo: at-risk webhook', hook.body);
      await stopDaemon('echo daemon', daemon);
      expect(daemon.logEntries().some((e) => e.reason === 'bad_request')).toBe(true);
    } finally {
      await echoing.close();
    }
  });

  it('across every scenario: tokens were really issued and nothing captured holds a secret', () => {
    issued.push(...ecr.issued);
    ecr.reset();
    expect(issued.length).toBeGreaterThanOrEqual(10);
    const secrets = knownSecrets();
    const leaks = captured.flatMap(({ source, text }) => findSecretLeaks(text, secrets).map((leak) => `${source}: ${leak}`));
    expect(leaks).toEqual([]);
    expect(captured.length).toBeGreaterThan(30);
  });
});
