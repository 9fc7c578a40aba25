// Sends at-risk and recovered transitions to an incoming webhook. The body is
// what Slack-compatible webhooks accept (`text`, plus blocks-free structured
// fields that other receivers can read); it never holds a secret. Delivery is
// retried a few times with a short backoff; the engine already de-duplicates
// (one event per transition, not per retry).
import { request, type Dispatcher } from 'undici';
import type { Clock } from '../schedule/clock.js';
import type { RiskEvent, RiskNotifier } from './risk-notifier.js';

export interface WebhookPayload {
  text: string;
  event: RiskEvent['kind'];
  secret_set: string;
  registry: string;
  expires_at: string | null;
  stage: string | null;
  reason: string | null;
}

export function formatWebhookPayload(event: RiskEvent, now: number): WebhookPayload {
  const expires = event.expiresAt === undefined ? undefined : new Date(event.expiresAt).toISOString();
  const left =
    event.expiresAt === undefined
      ? 'no token has been pushed yet'
      : event.expiresAt > now
        ? `token expires ${expires} (in ${Math.round((event.expiresAt - now) / 60_000)} min)`
        : `token expired ${expires}`;
  const text =
    event.kind === 'at_risk'
      ? `:rotating_light: ECR pull secret "${event.secretSet}" (${event.registry}) is at risk: ${event.stage ?? '?'} failing (${event.reason ?? 'unknown'}); ${left}. ${event.message}`
      : `:white_check_mark: ECR pull secret "${event.secretSet}" (${event.registry}) recovered; ${left}.`;
  return {
    text,
    event: event.kind,
    secret_set: event.secretSet,
    registry: event.registry,
    expires_at: expires ?? null,
    stage: event.stage ?? null,
    reason: event.reason ?? null,
  };
}

export function createWebhookNotifier(deps: {
  url: string;
  clock: Clock;
  timeoutMs: number;
  dispatcher?: Dispatcher;
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
}): RiskNotifier {
  const attempts = deps.attempts ?? 3;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  return {
    async notify(event) {
      const body = JSON.stringify(formatWebhookPayload(event, deps.clock.now()));
      let lastError: Error | undefined;
      for (let attempt = 0; attempt < attempts; attempt++) {
        if (attempt > 0) await sleep(1000 * 2 ** attempt);
        try {
          const response = await request(deps.url, {
            method: 'POST',
            body,
            dispatcher: deps.dispatcher,
            headers: { 'content-type': 'application/json' },
            headersTimeout: deps.timeoutMs,
            bodyTimeout: deps.timeoutMs,
            signal: AbortSignal.timeout(deps.timeoutMs),
          });
          await response.body.dump();
          if (response.statusCode < 300) return;
          lastError = new Error(`alert webhook answered HTTP ${response.statusCode}`);
          if (response.statusCode < 500 && response.statusCode !== 429) break;
        } catch (error) {
          // The URL itself is a credential for Slack webhooks: never echo it.
          lastError = new Error(`alert webhook delivery failed: ${(error as { code?: string }).code ?? (error as Error).name}`);
        }
      }
      throw lastError ?? new Error('alert webhook delivery failed');
    },
  };
}
