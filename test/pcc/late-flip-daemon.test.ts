// The built daemon (dist/cli.js) against the secrets API stand-in in its
// late-flip mode: the set already exists and is ready with an old value; after
// the daemon's PUT the stand-in keeps reporting that old `ready` for 2 s, then
// `pending`, then `ready` with the new value. The daemon's "refreshed and
// ready" line must come no earlier than the moment the new value finished
// provisioning, and say what the confirmation rests on.
import { describe, expect } from 'vitest';
import { callSecretsApi } from '../stand-ins/support/call-secrets-api.js';
import { systemTest } from '../support/system-test.js';
import { waitFor } from '../support/wait-for.js';

const SET = 'late-flip-daemon';
const LATE_FLIP_MS = 2_000;
// Pending for 2.5 s: longer than the 2 s gap between readiness polls, so a poll sees it.
systemTest.override({ standInOptions: { api: { provisioningDelayMs: 2_500 } } });

describe('the daemon against a late status flip', () => {
  systemTest('does not report a set confirmed while the platform still shows its old ready', async ({ api, cli, cliEnv }) => {
    const old = Buffer.from('AWS:old-password-from-an-earlier-run').toString('base64');
    const put = await callSecretsApi(api.url, 'PUT', `/secrets/${SET}`, {
      apiKey: api.apiKey,
      body: { isImagePullSecret: true, host: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com', secretValue: old },
    });
    expect(put.status).toBe(202);
    await waitFor(() => api.getSet(SET)?.status === 'ready', { what: 'the old value ready', timeoutMs: 5_000 });
    api.setLateFlip(LATE_FLIP_MS);

    const daemon = cli.start([], { env: cliEnv({ PCC_SECRET_SET: SET, REFRESH_SCHEDULE: '0 0 1 1 *', CONFIRM_TIMEOUT: '30s' }) });
    const refreshed = await waitFor(() => daemon.logEntries().find((e) => e.msg === 'secret set refreshed and ready'), {
      what: `the daemon's refresh (log: ${daemon.stdout().slice(-600)})`,
      timeoutMs: 30_000,
    });
    const set = api.getSet(SET)!;
    expect(set.secretValue).not.toBe(old);
    expect(set.puts).toBe(2);
    expect(set.settledAt, 'the new value finished provisioning').toBeDefined();
    expect(Date.parse(String(refreshed.time))).toBeGreaterThanOrEqual(set.settledAt!);
    expect(Date.parse(String(refreshed.time)) - set.updatedAt).toBeGreaterThanOrEqual(LATE_FLIP_MS);
    expect(refreshed).toMatchObject({ secretSet: SET, previousStatus: 'ready', confirmation: 'status-change' });
    expect(await daemon.stop(5_000)).toEqual({ code: 0, signal: null });
  }, 60_000);
});
