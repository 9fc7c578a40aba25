// The fault matrix: every fault the ECR and Pipecat Cloud sides can throw at
// the refresher, over real HTTP (the AWS SDK against the ECR stand-in, undici
// against the secrets API stand-in), with what an operator must then see.
//
//   recovers   the fault hits N requests and clears: the run ends with the set
//              ready in the stand-in, holding the newest password, and each
//              failed attempt is counted (metric, warn line, requests).
//   permanent  nothing a retry can fix: exactly one attempt (counted at the
//              stand-ins), one error-level line naming the set, stage and
//              reason, one failure in the metric, the secret already in place
//              left as it was.
//   gives-up   a retryable fault that never clears: --once stops after its
//              four attempts and exits 1.
//
// Each row starts with a ready secret put there by an earlier good run, so
// "does not lose the credential" is checked too. Timeouts are small:
// REQUEST_TIMEOUT 1s, CONFIRM_TIMEOUT 3s, first retry after 100 ms.
import { describe, expect } from 'vitest';
import type { FailureReason, Stage } from '../../src/errors/refresh-error.js';
import { ecrErrors } from '../../stand-ins/ecr-fault.js';
import { hasSeries, metricValue } from '../support/metric-value.js';
import { systemTest } from '../support/system-test.js';
import { waitFor } from '../support/wait-for.js';
import {
  ACCOUNT,
  CONFIRM_TIMEOUT_MS,
  EXPIRED_ACCESS_KEY,
  REQUEST_TIMEOUT_MS,
  RETRY_INITIAL_DELAY_MS,
  runFaultRow,
  SECRET_SET,
  UNKNOWN_ACCESS_KEY,
  type FaultRow,
  type LogEntry,
  type RowResult,
} from './support/run-fault-row.js';

type Expected =
  | { outcome: 'recovers'; stage: Stage; reason: FailureReason; failures: number; ecrRequests: number; puts: number }
  | {
      outcome: 'permanent';
      stage: Stage;
      reason: FailureReason;
      ecrRequests: number;
      puts: number;
      /** All secrets API requests of the run, when it matters that nothing else was sent. */
      apiRequests?: number;
      says: RegExp;
      /** What the set in the stand-in looks like afterwards; default: as seeded. */
      setAfter?: 'unchanged' | 'failed' | 'absent';
    }
  | { outcome: 'gives-up'; stage: Stage; reason: FailureReason; ecrRequests: number; puts: number; apiRequests?: number };

type Row = FaultRow & { expect: Expected; check?: (result: RowResult) => void };

const REGISTRY_HOST = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`;
const LABELS = { secret_set: SECRET_SET, registry: 'default/us-east-1' };
const M = 'ecr_token_refresher_';
const PROVISIONING_ERROR = 'image pull secret rejected by the cluster: registry host unreachable';

const badRequest = (error: string) => ({ kind: 'status', status: 400, body: { error, code: 'GENERIC_BAD_REQUEST' } }) as const;
const gap = (a: { at: number } | undefined, b: { at: number } | undefined) => b!.at - a!.at;
// What a loaded 2-core machine may add to a wait: lower bounds (a retry never comes early) are exact,
// upper bounds only tell "gave up at the timeout" from "waited on a request that never ends".
const LOADED_MACHINE_SLACK_MS = 3_000;
const putArrived = (ctx: { api: { requests: { method: string }[] } }, after: number) =>
  waitFor(() => ctx.api.requests.filter((r) => r.method === 'PUT').length > after, { what: 'a PUT at the stand-in', timeoutMs: 10_000, intervalMs: 5 });

const ECR_ROWS: Row[] = [
  {
    name: 'ECR ThrottlingException on 3 requests (all the SDK tries)',
    inject: ({ ecr }) => ecr.failNext(3, ecrErrors.throttling),
    expect: { outcome: 'recovers', stage: 'mint', reason: 'throttled', failures: 1, ecrRequests: 4, puts: 1 },
  },
  {
    name: 'ECR 500 ServerException on 3 requests',
    inject: ({ ecr }) => ecr.failNext(3, ecrErrors.server),
    expect: { outcome: 'recovers', stage: 'mint', reason: 'server_error', failures: 1, ecrRequests: 4, puts: 1 },
  },
  {
    name: 'ECR AccessDeniedException',
    inject: ({ ecr }) => ecr.setFault(ecrErrors.accessDenied),
    expect: { outcome: 'permanent', stage: 'mint', reason: 'access_denied', ecrRequests: 1, puts: 0, apiRequests: 0, says: /AccessDeniedException.*grant the principal ecr:GetAuthorizationToken/ },
  },
  {
    name: 'ECR AccessDeniedException, run as the CLI',
    driver: 'cli',
    inject: ({ ecr }) => ecr.setFault(ecrErrors.accessDenied),
    expect: { outcome: 'permanent', stage: 'mint', reason: 'access_denied', ecrRequests: 1, puts: 0, apiRequests: 0, says: /AccessDeniedException/ },
  },
  {
    name: 'expired AWS credentials (ExpiredTokenException)',
    accessKeyId: EXPIRED_ACCESS_KEY,
    countEcrAtProxy: true,
    expect: { outcome: 'permanent', stage: 'mint', reason: 'invalid_credentials', ecrRequests: 1, puts: 0, apiRequests: 0, says: /ExpiredTokenException.*check the AWS credential chain/ },
  },
  {
    name: 'unknown AWS access key (UnrecognizedClientException)',
    accessKeyId: UNKNOWN_ACCESS_KEY,
    countEcrAtProxy: true,
    expect: { outcome: 'permanent', stage: 'mint', reason: 'invalid_credentials', ecrRequests: 1, puts: 0, apiRequests: 0, says: /UnrecognizedClientException/ },
  },
  {
    name: 'no AWS credentials at all, run as the CLI',
    driver: 'cli',
    accessKeyId: null,
    countEcrAtProxy: true,
    expect: { outcome: 'permanent', stage: 'mint', reason: 'invalid_credentials', ecrRequests: 0, puts: 0, apiRequests: 0, says: /CredentialsProviderError|Could not load credentials/ },
  },
  {
    name: 'ECR reply with empty authorizationData',
    inject: ({ ecr }) => ecr.failNext(1, { kind: 'empty-authorization-data' }),
    expect: { outcome: 'recovers', stage: 'mint', reason: 'bad_response', failures: 1, ecrRequests: 2, puts: 1 },
  },
  {
    name: 'ECR token whose expiresAt is already past',
    inject: ({ ecr }) => ecr.failNext(1, { kind: 'expired-token', expiredSecondsAgo: 60 }),
    expect: { outcome: 'recovers', stage: 'mint', reason: 'token_expired', failures: 1, ecrRequests: 2, puts: 1 },
    check: (r) => {
      // The dead token never reaches the secrets API.
      expect(r.issued[0]!.expiresAt.getTime()).toBeLessThan(Date.now());
      expect(JSON.parse(r.puts[0]!.body!).secretValue).toBe(r.issued[1]!.authorizationToken);
    },
  },
  {
    name: 'ECR malformed proxyEndpoint',
    inject: ({ ecr }) => ecr.failNext(1, { kind: 'malformed-proxy-endpoint', proxyEndpoint: 'https://evil.example/path?x' }),
    expect: { outcome: 'recovers', stage: 'mint', reason: 'bad_response', failures: 1, ecrRequests: 2, puts: 1 },
    check: (r) => expect(r.puts.map((p) => JSON.parse(p.body!).host)).toEqual([`https://${REGISTRY_HOST}`]),
  },
  {
    name: 'ECR garbage (HTML) reply',
    inject: ({ ecr }) => ecr.failNext(1, { kind: 'garbage' }),
    expect: { outcome: 'recovers', stage: 'mint', reason: 'bad_response', failures: 1, ecrRequests: 2, puts: 1 },
  },
  {
    name: 'ECR connection reset on 3 requests',
    inject: ({ ecr }) => ecr.failNext(3, { kind: 'reset' }),
    expect: { outcome: 'recovers', stage: 'mint', reason: 'connection_error', failures: 1, ecrRequests: 4, puts: 1 },
  },
  {
    name: 'ECR accepts and never answers, 3 requests',
    inject: ({ ecr }) => ecr.failNext(3, { kind: 'hang' }),
    expect: { outcome: 'recovers', stage: 'mint', reason: 'timeout', failures: 1, ecrRequests: 4, puts: 1 },
    check: (r) => {
      // Each hung request is abandoned after REQUEST_TIMEOUT and retried by the SDK.
      expect(r.ecrCalls.map((c) => c.attempt)).toEqual([1, 2, 3, 1]);
      expect(gap(r.ecrCalls[0], r.ecrCalls[1])).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
      expect(gap(r.ecrCalls[0], r.ecrCalls[1])).toBeLessThan(REQUEST_TIMEOUT_MS + LOADED_MACHINE_SLACK_MS);
    },
  },
];

const SECRETS_ROWS: Row[] = [
  {
    name: 'PUT 400 bad body',
    inject: ({ api }) => api.setFault(badRequest('Invalid request format'), 'put'),
    expect: { outcome: 'permanent', stage: 'push', reason: 'bad_request', ecrRequests: 1, puts: 1, says: /HTTP 400: Invalid request format \[GENERIC_BAD_REQUEST\]/ },
  },
  {
    name: "PUT 400 \"Secret already exists in region 'x'\" (set created elsewhere meanwhile)",
    inject: ({ api }) => api.setFault(badRequest("Secret already exists in region 'eu-central'. Cannot change region to 'us-west'."), 'put'),
    expect: { outcome: 'permanent', stage: 'push', reason: 'bad_request', ecrRequests: 1, puts: 1, says: /Secret already exists in region 'eu-central'/ },
  },
  {
    name: 'PUT 400 "Cannot update existing regular secrets to image pull secrets"',
    inject: ({ api }) => api.setFault(badRequest('Cannot update existing regular secrets to image pull secrets'), 'put'),
    expect: { outcome: 'permanent', stage: 'push', reason: 'bad_request', ecrRequests: 1, puts: 1, says: /Cannot update existing regular secrets to image pull secrets/ },
  },
  {
    name: 'PUT 400 "Invalid region or organization does not have access" (real: unknown PCC_REGION)',
    seed: false,
    target: { pccRegion: 'mars-west' },
    expect: { outcome: 'permanent', stage: 'push', reason: 'bad_request', ecrRequests: 1, puts: 1, says: /Invalid region or organization does not have access/, setAfter: 'absent' },
  },
  {
    name: 'region change refused before any PUT (set lives in us-east, PCC_REGION says us-west)',
    seed: { pccRegion: 'us-east' },
    target: { pccRegion: 'us-west' },
    expect: { outcome: 'permanent', stage: 'push', reason: 'config', ecrRequests: 1, puts: 0, says: /exists in region "us-east" but PCC_REGION is "us-west"/ },
  },
  {
    name: 'regular set turned image pull secret refused before any PUT',
    seed: { format: 'triplet' },
    target: { format: 'image-pull-secret' },
    expect: { outcome: 'permanent', stage: 'push', reason: 'config', ecrRequests: 1, puts: 0, says: /exists as a regular set and cannot be turned into an image pull secret/ },
  },
  {
    name: '401 (wrong API key)',
    config: () => ({ apiKey: 'pk_revoked_0123456789abcdef' }),
    expect: { outcome: 'permanent', stage: 'push', reason: 'unauthorized', ecrRequests: 1, puts: 0, apiRequests: 1, says: /HTTP 401.*check PCC_API_KEY/ },
  },
  {
    name: '401 (wrong API key), run as the CLI',
    driver: 'cli',
    config: () => ({ apiKey: 'pk_revoked_0123456789abcdef' }),
    expect: { outcome: 'permanent', stage: 'push', reason: 'unauthorized', ecrRequests: 1, puts: 0, apiRequests: 1, says: /HTTP 401/ },
  },
  {
    name: '404 (API URL without /v1)',
    config: ({ api }) => ({ apiUrl: api.url.replace(/\/v1$/, '') }),
    expect: { outcome: 'permanent', stage: 'push', reason: 'not_found', ecrRequests: 1, puts: 0, apiRequests: 1, says: /HTTP 404.*should end in \/v1/ },
  },
  {
    name: '409 CONFLICT on 2 PUTs',
    inject: ({ api }) => api.failNext(2, { kind: 'status', status: 409 }, 'put'),
    expect: { outcome: 'recovers', stage: 'push', reason: 'conflict', failures: 2, ecrRequests: 3, puts: 3 },
  },
  {
    name: '429 without Retry-After',
    inject: ({ api }) => api.failNext(1, { kind: 'status', status: 429 }, 'put'),
    expect: { outcome: 'recovers', stage: 'push', reason: 'rate_limited', failures: 1, ecrRequests: 2, puts: 2 },
    // Plain backoff: the retry comes after RETRY_INITIAL_DELAY (random() is 1 here; 1 ms for the clock's
    // rounding), never before, and without the long pause a Retry-After would bring.
    check: (r) => {
      expect(gap(r.puts[0], r.puts[1])).toBeGreaterThanOrEqual(RETRY_INITIAL_DELAY_MS - 1);
      expect(gap(r.puts[0], r.puts[1])).toBeLessThan(RETRY_INITIAL_DELAY_MS + LOADED_MACHINE_SLACK_MS);
    },
  },
  {
    name: '429 with Retry-After: 2',
    inject: ({ api }) => api.failNext(1, { kind: 'status', status: 429, headers: { 'retry-after': '2' } }, 'put'),
    expect: { outcome: 'recovers', stage: 'push', reason: 'rate_limited', failures: 1, ecrRequests: 2, puts: 2 },
    check: (r) => expect(gap(r.puts[0], r.puts[1])).toBeGreaterThanOrEqual(2_000),
  },
  ...[500, 502, 503].map(
    (status): Row => ({
      name: `PUT ${status}`,
      inject: ({ api }) => api.failNext(1, { kind: 'status', status }, 'put'),
      expect: { outcome: 'recovers', stage: 'push', reason: 'server_error', failures: 1, ecrRequests: 2, puts: 2 },
    }),
  ),
  {
    name: 'PUT 503, run as the CLI',
    driver: 'cli',
    inject: ({ api }) => api.failNext(1, { kind: 'status', status: 503 }, 'put'),
    expect: { outcome: 'recovers', stage: 'push', reason: 'server_error', failures: 1, ecrRequests: 2, puts: 2 },
  },
  {
    name: 'connection reset on the PUT',
    inject: ({ api }) => api.failNext(1, { kind: 'reset' }, 'put'),
    expect: { outcome: 'recovers', stage: 'push', reason: 'connection_error', failures: 1, ecrRequests: 2, puts: 2 },
  },
  {
    name: 'PUT accepted and never answered',
    inject: ({ api }) => api.failNext(1, { kind: 'hang' }, 'put'),
    expect: { outcome: 'recovers', stage: 'push', reason: 'timeout', failures: 1, ecrRequests: 2, puts: 2 },
    check: (r) => {
      const hung = r.requests.indexOf(r.puts[0]!);
      const waited = gap(r.requests[hung], r.requests[hung + 1]);
      expect(waited).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
      expect(waited).toBeLessThan(REQUEST_TIMEOUT_MS + RETRY_INITIAL_DELAY_MS + LOADED_MACHINE_SLACK_MS);
    },
  },
  {
    name: 'slow-loris list reply (a byte every 100 ms)',
    inject: ({ api }) => api.failNext(1, { kind: 'slowloris', intervalMs: 100 }, 'list'),
    expect: { outcome: 'recovers', stage: 'push', reason: 'timeout', failures: 1, ecrRequests: 2, puts: 1 },
    // REQUEST_TIMEOUT bounds the whole request, not the gap between bytes.
    check: (r) => {
      const waited = gap(r.requests[0], r.requests[1]);
      expect(waited).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
      expect(waited).toBeLessThan(REQUEST_TIMEOUT_MS + RETRY_INITIAL_DELAY_MS + LOADED_MACHINE_SLACK_MS);
    },
  },
  {
    name: 'non-JSON 200 on the list',
    inject: ({ api }) => api.failNext(1, { kind: 'garbage' }, 'list'),
    expect: { outcome: 'recovers', stage: 'push', reason: 'bad_response', failures: 1, ecrRequests: 2, puts: 1 },
  },
  {
    name: 'oversized (5 MB) list reply',
    inject: ({ api }) => api.failNext(1, { kind: 'oversized', bytes: 5 * 1024 * 1024 }, 'list'),
    expect: { outcome: 'recovers', stage: 'push', reason: 'bad_response', failures: 1, ecrRequests: 2, puts: 1 },
  },
  {
    name: 'provisioning ends `failed`',
    inject: ({ api }) => api.setProvisioning(SECRET_SET, { outcome: 'failed', errorMessage: PROVISIONING_ERROR }),
    expect: { outcome: 'permanent', stage: 'confirm', reason: 'provisioning_failed', ecrRequests: 1, puts: 1, says: new RegExp(`failed: ${PROVISIONING_ERROR}`), setAfter: 'failed' },
  },
  {
    name: 'set stuck `pending` past CONFIRM_TIMEOUT, then ready on the next PUT',
    inject: (ctx) => {
      ctx.api.setProvisioning(SECRET_SET, { outcome: 'stuck' });
      ctx.alongside(putArrived(ctx, ctx.api.requests.filter((r) => r.method === 'PUT').length).then(() => ctx.api.setProvisioning(SECRET_SET, undefined)));
    },
    expect: { outcome: 'recovers', stage: 'confirm', reason: 'provisioning_timeout', failures: 1, ecrRequests: 2, puts: 2 },
    check: (r) => expect(r.elapsedMs).toBeGreaterThanOrEqual(CONFIRM_TIMEOUT_MS),
  },
  {
    name: 'DNS failure for the API host (pcc-api.invalid), run as the CLI',
    driver: 'cli',
    config: () => ({ apiUrl: 'https://pcc-api.invalid/v1' }),
    expect: { outcome: 'gives-up', stage: 'push', reason: 'dns_error', ecrRequests: 4, puts: 0, apiRequests: 0 },
  },
];

function failureLines(entries: LogEntry[]) {
  return entries.filter((e) => e.msg.startsWith('refresh failed'));
}

async function assertOutcome(row: Row, r: RowResult) {
  const e = row.expect;
  const explain = `\n--- log of the run:\n${r.entries.map((x) => `${x.level} ${x.msg} ${JSON.stringify({ stage: x.stage, reason: x.reason, err: x.err })}`).join('\n')}`;
  const failures = failureLines(r.entries);
  for (const line of failures) expect(line, explain).toMatchObject({ secretSet: SECRET_SET, stage: e.stage, reason: e.reason });
  expect(r.ecrRequests, `requests at ECR${explain}`).toBe(e.ecrRequests);
  expect(r.puts.length, `PUTs at the secrets API${explain}`).toBe(e.puts);
  if ('apiRequests' in e && e.apiRequests !== undefined) expect(r.requests.length, 'secrets API requests').toBe(e.apiRequests);
  const metrics = r.registry;
  const errorLines = r.entries.filter((x) => x.level === 'error' || x.level === 'fatal');

  if (e.outcome === 'recovers') {
    expect(r.ok, `run should succeed${explain}`).toBe(true);
    if (row.driver === 'cli') expect(r.exitCode).toBe(0);
    expect(failures.map((x) => x.level)).toEqual(Array(e.failures).fill('warn'));
    expect(errorLines, 'no error-level line for a fault that cleared').toEqual([]);
    expect(r.entries.filter((x) => x.msg === 'secret set refreshed and ready')).toHaveLength(1);
    const set = r.setAfter!;
    expect(set.status).toBe('ready');
    expect(set.host).toBe(`https://${REGISTRY_HOST}/`);
    expect(Buffer.from(set.secretValue!, 'base64').toString('utf8')).toBe(`AWS:${r.issued.at(-1)!.password}`);
    if (metrics) {
      expect(await metricValue(metrics, `${M}refresh_failures_total`, { ...LABELS, stage: e.stage, reason: e.reason })).toBe(e.failures);
      expect(await metricValue(metrics, `${M}refresh_failures_total`)).toBe(e.failures);
      expect(await metricValue(metrics, `${M}refresh_attempts_total`, { ...LABELS, stage: 'mint' })).toBe(e.failures + 1);
      expect(await metricValue(metrics, `${M}consecutive_failures`, LABELS)).toBe(0);
      expect(await metricValue(metrics, `${M}secret_ready`, LABELS)).toBe(1);
      expect(await hasSeries(metrics, `${M}last_failure_info`)).toBe(false);
      expect(await metricValue(metrics, `${M}token_expiry_timestamp_seconds`, LABELS)).toBe(r.issued.at(-1)!.expiresAt.getTime() / 1000);
    }
    return;
  }

  expect(r.ok, `run should fail${explain}`).toBe(false);
  if (row.driver === 'cli') {
    expect(r.exitCode).toBe(1);
    expect(r.entries.find((x) => x.msg === 'one-shot run finished')?.failed).toEqual([SECRET_SET]);
  } else {
    expect(r.retryable).toBe(e.outcome === 'gives-up');
  }
  if (e.outcome === 'permanent') {
    // Reported once: one error line naming the set, stage and reason (a 'target at risk' line may join it).
    expect(failures, explain).toHaveLength(1);
    expect(failures[0]!.level).toBe('error');
    expect(String((failures[0]!.err as { message?: string })?.message)).toMatch(e.says);
    expect(errorLines.filter((x) => x.msg !== 'target at risk'), explain).toEqual([failures[0]]);
    if (metrics) {
      expect(await metricValue(metrics, `${M}refresh_failures_total`, { ...LABELS, stage: e.stage, reason: e.reason })).toBe(1);
      expect(await metricValue(metrics, `${M}refresh_failures_total`)).toBe(1);
      expect(await metricValue(metrics, `${M}refresh_attempts_total`, { ...LABELS, stage: 'mint' })).toBe(1);
      expect(await metricValue(metrics, `${M}last_failure_info`, { ...LABELS, stage: e.stage, reason: e.reason })).toBe(1);
    }
    const setAfter = e.setAfter ?? 'unchanged';
    if (setAfter === 'absent') expect(r.setAfter).toBeUndefined();
    if (setAfter === 'failed') {
      expect(r.setAfter?.status).toBe('failed');
      expect(metrics && (await metricValue(metrics, `${M}secret_ready`, LABELS))).toBe(0);
      expect(metrics && (await metricValue(metrics, `${M}at_risk`, LABELS))).toBe(1);
    }
    if (setAfter === 'unchanged') expectSeededSecretKept(r);
    return;
  }
  // gives-up: every attempt used, each a warning, nothing of the seeded secret lost.
  expect(failures.map((x) => x.level), explain).toEqual(['warn', 'warn', 'warn', 'warn']);
  if (metrics) expect(await metricValue(metrics, `${M}refresh_failures_total`, { ...LABELS, stage: e.stage, reason: e.reason })).toBe(4);
  expectSeededSecretKept(r);
}

function expectSeededSecretKept(r: RowResult) {
  expect(r.setBefore, 'the row seeds a ready secret first').toBeDefined();
  expect(r.setAfter).toMatchObject({ status: 'ready', puts: r.setBefore!.puts, updatedAt: r.setBefore!.updatedAt });
  expect(r.setAfter?.secretValue ?? r.setAfter?.secrets).toEqual(r.setBefore!.secretValue ?? r.setBefore!.secrets);
}

// The CLI rows run dist/cli.js; build it once up front (the cli fixture), not inside a timed row.
systemTest.beforeAll(({ cli }) => void cli, 120_000);

describe('fault matrix: ECR side (real AWS SDK client against the ECR stand-in)', () => {
  systemTest.for(ECR_ROWS.map((row) => [row.name, row] as const))('%s', async ([, row], { startStandIns, home, cli }) => {
    const result = await runFaultRow(row, { startStandIns, home, cli });
    await assertOutcome(row, result);
    row.check?.(result);
  });
});

describe('fault matrix: secrets API side (real undici client against the secrets API stand-in)', () => {
  systemTest.for(SECRETS_ROWS.map((row) => [row.name, row] as const))('%s', async ([, row], { startStandIns, home, cli }) => {
    const result = await runFaultRow(row, { startStandIns, home, cli });
    await assertOutcome(row, result);
    row.check?.(result);
  });
});
