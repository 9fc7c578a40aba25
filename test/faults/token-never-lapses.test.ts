// The built daemon (node dist/cli.js) against the stand-ins with short token
// lifetimes, measured as a user feels it: once a second, the token the secret
// set holds must be one the ECR stand-in issued and must not have expired.
//
//   - a WAF in front of the secrets API answers every PUT 403 with an HTML page
//     for 15 s, starting just before the expiry guard is due (tokens live 60 s,
//     REFRESH_MARGIN 40s): classified permanent, and still retried in time;
//   - ECR answers AccessDeniedException for 15 s (an IAM change propagating);
//   - tokens live 20 s against the default 4 h margin: a bounded number of ECR
//     calls, refreshed at half their life, reported once.
//
// The schedule ticks once a year, so only the expiry guard and the retries
// can keep the token alive.
import { describe, expect } from 'vitest';
import { ecrErrors } from '../../stand-ins/ecr-fault.js';
import type { EcrStandIn } from '../../stand-ins/ecr-stand-in.js';
import type { SecretsApiStandIn } from '../../stand-ins/secrets-api-stand-in.js';
import type { TrackedProcess } from '../support/create-process-tracker.js';
import { refresherEnv } from '../support/refresher-env.js';
import { systemTest } from '../support/system-test.js';
import { waitFor } from '../support/wait-for.js';

const SET = 'ecr-never-lapses';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const YEARLY = '0 0 1 1 *';

interface Probe {
  /** Instants (ms since the probe began) at which the set held no live token, with why. */
  lapses: string[];
  samples: number;
  stop(): Promise<void>;
}

/** Once a second: is what the set holds a token ECR issued, and is it unexpired? */
function probeHeldToken(ecr: EcrStandIn, api: SecretsApiStandIn): Probe {
  const started = Date.now();
  const probe: Probe = { lapses: [], samples: 0, stop: async () => undefined };
  let running = true;
  const loop = (async () => {
    while (running) {
      const now = Date.now();
      const held = api.getSet(SET)?.secretValue;
      const expiry = ecr.expiryOf(held);
      probe.samples++;
      if (expiry === undefined) probe.lapses.push(`t=${((now - started) / 1000).toFixed(1)}s: the set holds no token ECR issued`);
      else if (expiry.getTime() <= now) probe.lapses.push(`t=${((now - started) / 1000).toFixed(1)}s: the held token expired ${now - expiry.getTime()} ms ago`);
      await sleep(1_000);
    }
  })();
  probe.stop = async () => {
    running = false;
    await loop;
  };
  return probe;
}

function startDaemon(
  ctx: { cli: { start(args: string[], options: { env: NodeJS.ProcessEnv }): TrackedProcess }; home: string },
  standIns: { ecr: EcrStandIn; api: SecretsApiStandIn },
  extra: Record<string, string>,
): TrackedProcess {
  return ctx.cli.start([], {
    env: refresherEnv({
      ...standIns,
      home: ctx.home,
      extra: { PCC_SECRET_SET: SET, REFRESH_SCHEDULE: YEARLY, CONFIRM_TIMEOUT: '10s', REQUEST_TIMEOUT: '5s', ...extra },
    }),
  });
}

async function firstSuccess(daemon: TrackedProcess) {
  await waitFor(
    () => {
      if (daemon.child.exitCode !== null) throw new Error(`the daemon exited with ${daemon.child.exitCode}: ${daemon.stderr().slice(-1000)}`);
      return daemon.logEntries().some((e) => e.msg === 'secret set refreshed and ready');
    },
    { what: 'a first successful refresh', timeoutMs: 20_000 },
  );
}

const explain = (daemon: TrackedProcess) =>
  `\n--- daemon log:\n${daemon
    .logEntries()
    .map((e) => `${String(e.time)} ${String(e.msg)} ${JSON.stringify({ trigger: e.trigger, reason: e.reason, retryInMs: e.retryInMs })}`)
    .join('\n')}`;

describe.concurrent('a token never lapses while a permanent-looking fault comes and goes (built daemon, short tokens)', () => {
  systemTest(
    'a 15 s WAF 403 burst (HTML body) on the PUTs is retried until it lifts, before the token expires',
    async ({ cli, home, startStandIns }) => {
      const standIns = await startStandIns({ ecr: { tokenLifetimeSeconds: 60 }, api: { provisioningDelayMs: 100 } });
      const { ecr, api } = standIns;
      const daemon = startDaemon({ cli, home }, standIns, { REFRESH_MARGIN: '40s' });
      await firstSuccess(daemon);
      const first = ecr.issued.at(-1)!;
      const probe = probeHeldToken(ecr, api);
      // The burst starts before any refresh the margin could call for (20 s into the token's life) ...
      await sleep(Math.max(0, first.expiresAt.getTime() - 42_000 - Date.now()));
      api.wafBurst(15_000, 'put');
      const burstFrom = Date.now();
      // ... and the probe runs until well past the first token's expiry.
      await sleep(Math.max(0, first.expiresAt.getTime() + 10_000 - Date.now()));
      await probe.stop();

      const blocked = api.requests.filter((r) => r.method === 'PUT' && r.at >= burstFrom && r.at < burstFrom + 15_000);
      expect(blocked.length, `PUTs met the WAF${explain(daemon)}`).toBeGreaterThanOrEqual(1);
      expect(probe.lapses, explain(daemon)).toEqual([]);
      expect(probe.samples).toBeGreaterThanOrEqual(25);
      expect(ecr.expiryOf(api.getSet(SET)?.secretValue)!.getTime()).toBeGreaterThan(first.expiresAt.getTime());
      const permanent = daemon.logEntries().filter((e) => e.level === 'error' && String(e.msg).startsWith('refresh failed with a permanent error'));
      expect(permanent.length, explain(daemon)).toBeGreaterThanOrEqual(1);
      expect(permanent[0]).toMatchObject({ stage: 'push', reason: 'unauthorized', status: 403, retryable: false });
    },
    120_000,
  );

  systemTest(
    'ECR AccessDeniedException for 15 s is retried until IAM lets the call through, before the token expires',
    async ({ cli, home, startStandIns }) => {
      const standIns = await startStandIns({ ecr: { tokenLifetimeSeconds: 60 }, api: { provisioningDelayMs: 100 } });
      const { ecr, api } = standIns;
      const daemon = startDaemon({ cli, home }, standIns, { REFRESH_MARGIN: '40s' });
      await firstSuccess(daemon);
      const first = ecr.issued.at(-1)!;
      const probe = probeHeldToken(ecr, api);
      await sleep(Math.max(0, first.expiresAt.getTime() - 42_000 - Date.now()));
      ecr.setFault(ecrErrors.accessDenied);
      const deniedFrom = Date.now();
      await sleep(15_000);
      ecr.setFault(undefined);
      await sleep(Math.max(0, first.expiresAt.getTime() + 10_000 - Date.now()));
      await probe.stop();

      const denied = ecr.calls.filter((c) => c.at >= deniedFrom && c.at < deniedFrom + 15_000);
      expect(denied.length, `ECR calls met AccessDenied${explain(daemon)}`).toBeGreaterThanOrEqual(1);
      expect(probe.lapses, explain(daemon)).toEqual([]);
      expect(ecr.expiryOf(api.getSet(SET)?.secretValue)!.getTime()).toBeGreaterThan(first.expiresAt.getTime());
      const permanent = daemon.logEntries().filter((e) => e.level === 'error' && String(e.msg).startsWith('refresh failed with a permanent error'));
      expect(permanent[0], explain(daemon)).toMatchObject({ stage: 'mint', reason: 'access_denied', retryable: false });
    },
    120_000,
  );

  systemTest(
    'tokens living 20 s against the default 4 h margin: a bounded number of ECR calls, reported once, never expired',
    async ({ cli, home, startStandIns }) => {
      const standIns = await startStandIns({ ecr: { tokenLifetimeSeconds: 20 }, api: { provisioningDelayMs: 100 } });
      const { ecr, api } = standIns;
      const daemon = startDaemon({ cli, home }, standIns, {});
      await firstSuccess(daemon);
      const from = Date.now();
      const probe = probeHeldToken(ecr, api);
      await sleep(40_000);
      await probe.stop();

      const calls = ecr.calls.filter((c) => c.at >= from).length;
      // Half of a 20 s life is 10 s: about four refreshes in 40 s. The SDK's own retries could add a few.
      expect(calls, explain(daemon)).toBeGreaterThanOrEqual(3);
      expect(calls, explain(daemon)).toBeLessThanOrEqual(8);
      expect(probe.lapses, explain(daemon)).toEqual([]);
      const reports = daemon.logEntries().filter((e) => e.msg === 'ECR token lives shorter than the refresh margin allows for');
      expect(reports).toHaveLength(1);
      expect(reports[0]).toMatchObject({ level: 'warn', secretSet: SET, tokenLifetimeSeconds: 20, refreshMarginSeconds: 14_400, refreshEverySeconds: 10 });
      const started = daemon.logEntries().find((e) => e.msg === 'ecr-token-refresher started') as { metrics?: string } | undefined;
      const text = await (await fetch(started!.metrics!)).text();
      expect(text).toMatch(new RegExp(`ecr_token_refresher_token_lifetime_seconds\\{secret_set="${SET}",registry="default/us-east-1"\\} (19|20)(\\.\\d+)?\\n`));
    },
    120_000,
  );
});
