// --dry-run as users run it (`node dist/cli.js --dry-run`) against the ECR and
// secrets API stand-ins: every problem of both sides is found in one run, each
// naming its endpoint and fix (stderr summary, JSON on stdout, exit 4); an
// all-good run exits 0; nothing is ever written; no output holds a secret. And
// a daemon whose API or ECR endpoint is down names it in its log (`2>&1`).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { PreflightProblem } from '../../src/preflight/preflight-report.js';
import { callSecretsApi } from '../stand-ins/support/call-secrets-api.js';
import { FAST_DAEMON_ENV } from '../support/fast-daemon-env.js';
import { findSecretLeaks } from '../support/find-secret-leaks.js';
import { freePort } from '../support/free-port.js';
import { systemTest } from '../support/system-test.js';
import { waitFor } from '../support/wait-for.js';

const API_KEY = 'pk_live_3c5e7a9b1d2f4e6a8c0b2d4f6a8c0e2b4d6f8a1c';
systemTest.override({ standInOptions: { api: { apiKey: API_KEY, provisioningDelayMs: 20 } } });

/** Everything printed, kept for the leak check at the end of the file. */
const printed: string[] = [];

interface DryRunOutput {
  dryRun: true;
  ok: boolean;
  requests: Array<{ target: string; method: string; url: string; tokenExpiresAt: string | null; body: Record<string, unknown> }>;
  problems: PreflightProblem[];
}

function withoutAwsCredentials(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...rest } = env;
  return rest;
}

describe('--dry-run as a preflight', () => {
  systemTest('with the secrets API unreachable and no AWS credentials, reports both problems, each with its endpoint', async ({ cli, cliEnv, ecr }) => {
    const deadPort = await freePort();
    const env = withoutAwsCredentials(cliEnv({ PCC_API_URL: `http://127.0.0.1:${deadPort}/v1`, PCC_SECRET_SET: 'pf-unreachable' }));
    const run = await cli.run(['--dry-run'], { env });
    printed.push(run.stdout, run.stderr);

    expect(run.code).toBe(4);
    const out = JSON.parse(run.stdout) as DryRunOutput;
    expect(out.ok).toBe(false);
    expect(out.problems).toMatchObject([
      { target: 'pf-unreachable', side: 'ecr', code: 'ERR_OUTBOUND_CREDENTIALS', endpoint: `http://127.0.0.1:${ecr.port}`, fix: expect.stringContaining('AWS_ACCESS_KEY_ID') },
      { target: 'pf-unreachable', side: 'pipecat', code: 'ERR_OUTBOUND_NETWORK', reason: 'connection_error', endpoint: `http://127.0.0.1:${deadPort}` },
    ]);
    expect(run.stderr).toMatch(new RegExp(`PROBLEM +ecr .* at http://127\\.0\\.0\\.1:${ecr.port}: .*no AWS credentials`));
    expect(run.stderr).toMatch(new RegExp(`PROBLEM +pipecat +pf-unreachable at http://127\\.0\\.0\\.1:${deadPort}: .*connection refused`));
    expect(run.stderr).toMatch(/fix: .*AWS_PROFILE/);
    expect(ecr.calls).toEqual([]);
  });

  systemTest('reports a wrong API key (401) with the endpoint and the fix, and still checks ECR', async ({ cli, cliEnv, ecr, api }) => {
    ecr.reset();
    api.reset();
    const run = await cli.run(['--dry-run'], { env: cliEnv({ PCC_API_KEY: 'pk_live_0000111122223333444455556666777788889999', PCC_SECRET_SET: 'pf-wrong-key' }) });
    printed.push(run.stdout, run.stderr);

    expect(run.code).toBe(4);
    const out = JSON.parse(run.stdout) as DryRunOutput;
    expect(out.problems).toEqual([
      {
        target: 'pf-wrong-key',
        side: 'pipecat',
        code: 'ERR_OUTBOUND_STATUS',
        reason: 'unauthorized',
        endpoint: `http://127.0.0.1:${api.port}`,
        message: expect.stringContaining('answered HTTP 401'),
        fix: expect.stringContaining('PCC_API_KEY'),
      },
    ]);
    expect(run.stderr).toMatch(new RegExp(`ok +ecr .* at http://127\\.0\\.0\\.1:${ecr.port}: token for `));
    expect(run.stderr).toMatch(/PROBLEM +pipecat +pf-wrong-key .*HTTP 401[^\n]*\n +fix: check PCC_API_KEY/);
    expect(ecr.issued).toHaveLength(1);
    expect(api.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  systemTest('reports a set of the wrong type and one in another region, in one run', async ({ cli, cliEnv, api, home }) => {
    api.reset();
    const triplet = { secrets: [{ secretKey: 'username', secretValue: 'AWS' }, { secretKey: 'password', secretValue: 'x'.repeat(40) }], region: 'us-west' };
    expect((await callSecretsApi(api.url, 'PUT', '/secrets/pf-regular', { body: triplet, apiKey: API_KEY })).status).toBeLessThan(300);
    const pull = { isImagePullSecret: true, host: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com', secretValue: Buffer.from(`AWS:${'y'.repeat(40)}`).toString('base64'), region: 'us-east' };
    expect((await callSecretsApi(api.url, 'PUT', '/secrets/pf-elsewhere', { body: pull, apiKey: API_KEY })).status).toBeLessThan(300);
    const file = join(home, 'preflight-targets.yaml');
    writeFileSync(
      file,
      ['targets:', '  - secretSet: pf-regular', '    format: image-pull-secret', '  - secretSet: pf-elsewhere', '    pccRegion: eu-central', '  - secretSet: pf-fine', ''].join('\n'),
    );
    const before = api.requests.length;
    const run = await cli.run(['--dry-run', '--config', file], { env: cliEnv() });
    printed.push(run.stdout, run.stderr);

    expect(run.code).toBe(4);
    const out = JSON.parse(run.stdout) as DryRunOutput;
    expect(out.problems).toMatchObject([
      { target: 'pf-regular', side: 'pipecat', reason: 'config', endpoint: `http://127.0.0.1:${api.port}`, fix: expect.stringContaining('PCC_SECRET_FORMAT=triplet') },
      { target: 'pf-elsewhere', side: 'pipecat', reason: 'config', message: expect.stringContaining('"us-east"'), fix: expect.stringContaining('PCC_REGION') },
    ]);
    expect(out.requests.map((r) => r.target)).toEqual(['pf-fine']);
    expect(run.stderr).toMatch(/ok +pipecat +pf-fine .*would create it/);
    expect(api.requests.slice(before).map((r) => r.method)).toEqual(['GET']);
  });

  systemTest('an all-good run exits 0 with the redacted requests as JSON and writes nothing', async ({ cli, cliEnv, ecr, api }) => {
    ecr.reset();
    api.reset();
    const run = await cli.run(['--dry-run'], { env: cliEnv({ PCC_SECRET_SET: 'pf-good', PCC_REGION: 'us-west' }) });
    printed.push(run.stdout, run.stderr);

    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as DryRunOutput;
    expect(out).toMatchObject({ dryRun: true, ok: true, problems: [] });
    expect(out.requests).toMatchObject([
      {
        target: 'pf-good',
        method: 'PUT',
        url: `${api.url}/secrets/pf-good`,
        tokenExpiresAt: ecr.issued[0]!.expiresAt.toISOString(),
        body: { isImagePullSecret: true, host: ecr.issued[0]!.proxyEndpoint, secretValue: expect.stringMatching(/^\[REDACTED \d+ chars\]$/), region: 'us-west' },
      },
    ]);
    expect(run.stderr).toMatch(/^preflight: all 2 checks passed; nothing was written$/m);
    expect(api.requests.map((r) => r.method)).toEqual(['GET']);
    expect(api.getSet('pf-good')).toBeUndefined();
  });

  systemTest('a daemon whose secrets API or ECR endpoint is down names it in its log line (2>&1)', async ({ cli, cliEnv, processes }) => {
    for (const [down, extra] of [
      ['PCC_API_URL', (port: number) => ({ PCC_API_URL: `http://127.0.0.1:${port}/v1` })],
      ['AWS_ENDPOINT_URL_ECR', (port: number) => ({ AWS_ENDPOINT_URL_ECR: `http://127.0.0.1:${port}` })],
    ] as const) {
      const port = await freePort();
      const env = cliEnv({ ...FAST_DAEMON_ENV, PCC_SECRET_SET: 'pf-daemon', ...extra(port) });
      const daemon = processes.start('/bin/sh', ['-c', `exec "${process.execPath}" "${cli.path}" 2>&1`], { env });
      const line = await waitFor(() => daemon.stdout().split('\n').find((l) => l.includes('"refresh failed')), {
        what: `a failure log line with ${down} down`,
        timeoutMs: 20_000,
      });
      await daemon.stop(2_000);
      printed.push(daemon.stdout());
      const entry = JSON.parse(line) as { endpoint?: string; err: { message: string } };
      expect(entry.endpoint, line).toBe(`http://127.0.0.1:${port}`);
      expect(entry.err.message).toContain(`http://127.0.0.1:${port}`);
    }
  });

  systemTest('no output of any run holds a token or the API key', ({ ecr }) => {
    expect(printed.length).toBeGreaterThan(8);
    const secrets = [
      { label: 'API key', value: API_KEY },
      ...ecr.issued.flatMap((t, i) => [
        { label: `password ${i}`, value: t.password },
        { label: `authorizationToken ${i}`, value: t.authorizationToken },
      ]),
    ];
    expect(findSecretLeaks(printed.join('\n'), secrets)).toEqual([]);
  });
});
