// The daemon with ALERT_WEBHOOK_URL against a loopback receiver: a secret set
// whose refreshes keep failing until its token is inside the margin sends one
// at_risk event however many retries fail, and one recovered event when a
// refresh succeeds again. Neither event, nor the log, carries a token, the
// API key or the webhook URL (which is itself a credential for Slack).
//
// Tokens live 40 s and REFRESH_MARGIN is 30s, so a set whose PUTs fail goes
// at risk ~10 s after its last good refresh, with retries every 1-3 s.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { EcrStandIn } from '../../stand-ins/ecr-stand-in.js';
import type { SecretsApiStandIn } from '../../stand-ins/secrets-api-stand-in.js';
import type { TrackedProcess } from '../support/create-process-tracker.js';
import { FAST_DAEMON_ENV } from '../support/fast-daemon-env.js';
import { systemTest } from '../support/system-test.js';
import { waitFor } from '../support/wait-for.js';

const SECRET_SET = 'ecr-e2e-webhook';
const REGISTRY = '123456789012/us-east-1';
const WEBHOOK_SECRET_PATH = '/services/T0E2E/B0E2E/webhook-path-secret-0123456789';

interface Delivery {
  path: string;
  contentType: string | undefined;
  raw: string;
  body: Record<string, unknown>;
}

systemTest.override({ standInOptions: { ecr: { tokenLifetimeSeconds: 40 }, api: { provisioningDelayMs: 100 } } });
const deliveries: Delivery[] = [];
let receiver: Server | undefined;
let ecr: EcrStandIn | undefined;
let api: SecretsApiStandIn | undefined;
let daemon: TrackedProcess;
const started = Date.now();
const timeline: string[] = [];
const mark = (what: string) => timeline.push(`t=${((Date.now() - started) / 1000).toFixed(1)}s ${what}`);

systemTest.beforeAll(async ({ cli, cliEnv, ecr: ecrStandIn, api: apiStandIn }) => {
  [ecr, api] = [ecrStandIn, apiStandIn];
  receiver = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        // recorded as is; the assertions below will say it was not JSON
      }
      deliveries.push({ path: req.url ?? '', contentType: req.headers['content-type'], raw, body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve));
  const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}${WEBHOOK_SECRET_PATH}`;

  daemon = cli.start([], {
    env: cliEnv({
      PCC_SECRET_SET: SECRET_SET,
      ECR_REGISTRY_ID: '123456789012',
      ALERT_WEBHOOK_URL: webhookUrl,
      ...FAST_DAEMON_ENV,
    }),
  });
  await waitFor(
    () => {
      if (daemon.child.exitCode !== null) throw new Error(`the daemon exited with ${daemon.child.exitCode}: ${daemon.stderr().slice(-1000)}`);
      return daemon.logEntries().some((e) => e.msg === 'secret set refreshed and ready');
    },
    { what: 'a first successful refresh', timeoutMs: 20_000 },
  );
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  console.info(`alert-webhook timeline:\n  ${timeline.join('\n  ')}`);
});

const byEvent = (event: string) => deliveries.filter((d) => d.body.event === event);
const failedRetries = () => daemon.logEntries().filter((e) => e.msg === 'refresh failed; will retry').length;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function expectNoSecrets(text: string) {
  expect(text).not.toContain(api!.apiKey);
  expect(text).not.toContain(WEBHOOK_SECRET_PATH);
  for (const token of ecr!.issued) {
    expect(text).not.toContain(token.password);
    expect(text).not.toContain(token.authorizationToken);
  }
}

describe('at-risk and recovered events sent to ALERT_WEBHOOK_URL', () => {
  it('sends exactly one at_risk event across many failed retries, then exactly one recovered event', async () => {
    expect(deliveries).toEqual([]);
    api!.setFault({ kind: 'status', status: 503 }, 'put');
    mark('secrets API PUT fault set (503)');
    try {
      const [atRisk] = await waitFor(() => (byEvent('at_risk').length > 0 ? byEvent('at_risk') : undefined), {
        what: 'an at_risk delivery',
        timeoutMs: 30_000,
      });
      const retriesWhenAtRisk = failedRetries();
      mark(`at_risk delivered after ${retriesWhenAtRisk} failed attempts`);
      // Keep failing for a while: the retries go on, the events do not.
      await waitFor(() => failedRetries() >= retriesWhenAtRisk + 3, { what: 'three more failed retries', timeoutMs: 20_000 });
      expect(byEvent('at_risk')).toHaveLength(1);
      expect(failedRetries()).toBeGreaterThanOrEqual(4);
      mark(`still one at_risk delivery after ${failedRetries()} failed attempts`);

      expect(atRisk!.path).toBe(WEBHOOK_SECRET_PATH);
      expect(atRisk!.contentType).toContain('application/json');
      expect(atRisk!.body).toMatchObject({
        event: 'at_risk',
        secret_set: SECRET_SET,
        registry: REGISTRY,
        stage: 'push',
        reason: 'server_error',
      });
      expect(atRisk!.body.text).toEqual(expect.stringContaining(SECRET_SET));
      expect(atRisk!.body.text).toEqual(expect.stringContaining('at risk'));
      expect(typeof atRisk!.body.expires_at).toBe('string');
      expectNoSecrets(atRisk!.raw);
    } finally {
      api!.setFault(undefined, 'put');
      mark('fault cleared');
    }

    const [recovered] = await waitFor(() => (byEvent('recovered').length > 0 ? byEvent('recovered') : undefined), {
      what: 'a recovered delivery',
      timeoutMs: 20_000,
    });
    mark('recovered delivered');
    // Two more scheduled refreshes succeed without another event.
    const successes = daemon.logEntries().filter((e) => e.msg === 'secret set refreshed and ready').length;
    await waitFor(
      () => daemon.logEntries().filter((e) => e.msg === 'secret set refreshed and ready').length >= successes + 2,
      { what: 'two more successful refreshes', timeoutMs: 15_000 },
    );
    await sleep(500);
    expect(byEvent('recovered')).toHaveLength(1);
    expect(byEvent('at_risk')).toHaveLength(1);
    expect(deliveries).toHaveLength(2);
    mark(`two more refreshes, still ${deliveries.length} deliveries in all`);
    expect(recovered!.body).toMatchObject({ event: 'recovered', secret_set: SECRET_SET, registry: REGISTRY });
    expect(recovered!.body.text).toEqual(expect.stringContaining('recovered'));
    expectNoSecrets(recovered!.raw);
    expectNoSecrets(daemon.stdout() + daemon.stderr());
  }, 90_000);
});
