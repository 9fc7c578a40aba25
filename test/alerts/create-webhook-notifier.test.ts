import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookNotifier, formatWebhookPayload } from '../../src/alerts/create-webhook-notifier.js';
import type { Timers } from '../../src/schedule/clock.js';

const NOW = Date.UTC(2026, 0, 1, 12);
const clock = { now: () => NOW };

/** Timers that fire at once and remember each wait asked for. */
function instantTimers() {
  const waits: number[] = [];
  const timers: Timers = {
    setTimeout(callback, delayMs) {
      waits.push(delayMs);
      queueMicrotask(callback);
      return { id: waits.length };
    },
    clearTimeout() {},
  };
  return { timers, waits };
}
const servers: ReturnType<typeof createServer>[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

async function receiver(statuses: number[]) {
  const bodies: unknown[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    bodies.push({ contentType: req.headers['content-type'], body: JSON.parse(text) });
    res.writeHead(statuses.shift() ?? 200).end('ok');
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/XXXX`, bodies };
}

describe('webhook notifier', () => {
  it('posts a Slack-compatible JSON event naming the set, registry, expiry and reason', async () => {
    const hook = await receiver([200]);
    const notifier = createWebhookNotifier({ url: hook.url, clock, timers: instantTimers().timers, timeoutMs: 2000 });
    await notifier.notify({
      kind: 'at_risk',
      name: 'ecr-pull',
      registry: '123456789012/us-east-1',
      expiresAt: NOW + 30 * 60_000,
      stage: 'mint',
      reason: 'access_denied',
      message: 'ECR GetAuthorizationToken failed',
    });
    expect(hook.bodies).toHaveLength(1);
    const { contentType, body } = hook.bodies[0] as { contentType: string; body: Record<string, unknown> };
    expect(contentType).toBe('application/json');
    expect(body).toMatchObject({ event: 'at_risk', secret_set: 'ecr-pull', registry: '123456789012/us-east-1', reason: 'access_denied', stage: 'mint', expires_at: '2026-01-01T12:30:00.000Z' });
    expect(body.text).toMatch(/"ecr-pull" \(123456789012\/us-east-1\) is at risk: mint failing \(access_denied\); token expires .* \(in 30 min\)/);
  });

  it('retries a 5xx and gives up on a 4xx without retrying', async () => {
    const flaky = await receiver([503, 200]);
    const waited = instantTimers();
    await createWebhookNotifier({ url: flaky.url, clock, timers: waited.timers, timeoutMs: 2000, random: () => 0.5 }).notify({ kind: 'recovered', name: 's-1', registry: 'r', message: 'm' });
    expect(flaky.bodies).toHaveLength(2);
    // The wait between attempts is on the injected timers, with jitter.
    expect(waited.waits).toEqual([1000]);

    const gone = await receiver([404, 200]);
    const error = await createWebhookNotifier({ url: gone.url, clock, timers: instantTimers().timers, timeoutMs: 2000 })
      .notify({ kind: 'recovered', name: 's-1', registry: 'r', message: 'm' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'OutboundError', code: 'ERR_OUTBOUND_STATUS', status: 404, retryable: false });
    expect((error as Error).message).toMatch(/^alert webhook POST http:\/\/127\.0\.0\.1:\d+ answered HTTP 404$/);
    expect(gone.bodies).toHaveLength(1);
  });

  it('never puts the webhook URL in its error', async () => {
    const url = 'http://127.0.0.1:1/services/T000/B000/very-secret-path';
    const error = await createWebhookNotifier({ url, clock, timers: instantTimers().timers, timeoutMs: 500, attempts: 1 })
      .notify({ kind: 'recovered', name: 's-1', registry: 'r', message: 'm' })
      .catch((e: Error) => e);
    expect((error as Error).message).not.toContain('very-secret-path');
    expect(error).toMatchObject({ code: 'ERR_OUTBOUND_NETWORK', retryable: true, endpoint: 'http://127.0.0.1:1' });
    expect((error as Error).message).toBe('alert webhook POST http://127.0.0.1:1 failed: connection refused (ECONNREFUSED)');
  });

  it('says when no token was ever pushed', () => {
    expect(formatWebhookPayload({ kind: 'at_risk', name: 's-1', registry: 'r', stage: 'push', reason: 'unauthorized', message: 'm' }, NOW).text).toContain('no token has been pushed yet');
  });
});
