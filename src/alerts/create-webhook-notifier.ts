// Sends at-risk and recovered transitions to an incoming webhook. The body is
// what Slack-compatible webhooks accept (`text`, plus blocks-free structured
// fields that other receivers can read); it never holds a secret. Delivery is
// retried a few times with a short backoff; the engine already de-duplicates
// (one event per transition, not per retry).
import { request, type Dispatcher } from 'undici';
import { OutboundError, networkError } from '../errors/outbound-error.js';
import { endpointOf } from '../http/endpoint.js';
import { statusMeaning } from '../http/reply.js';
import { backoffDelay } from '../refresh/backoff-delay.js';
import type { Clock, Timers } from '../schedule/clock.js';
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
      ? `:rotating_light: ECR pull secret "${event.name}" (${event.registry}) is at risk: ${event.stage ?? '?'} failing (${event.reason ?? 'unknown'}); ${left}. ${event.message}`
      : `:white_check_mark: ECR pull secret "${event.name}" (${event.registry}) recovered; ${left}.`;
  return {
    text,
    event: event.kind,
    secret_set: event.name,
    registry: event.registry,
    expires_at: expires ?? null,
    stage: event.stage ?? null,
    reason: event.reason ?? null,
  };
}

export function createWebhookNotifier(deps: {
  url: string;
  clock: Clock;
  timers: Timers;
  timeoutMs: number;
  dispatcher?: Dispatcher;
  attempts?: number;
  random?: () => number;
}): RiskNotifier {
  const attempts = deps.attempts ?? 3;
  // The URL itself is a credential for Slack webhooks: errors name only its endpoint.
  const endpoint = endpointOf(deps.url);
  const what = `alert webhook POST ${endpoint}`;
  const sleep = (ms: number) => new Promise<void>((resolve) => void deps.timers.setTimeout(resolve, ms));
  return {
    async notify(event) {
      const body = JSON.stringify(formatWebhookPayload(event, deps.clock.now()));
      let lastError: OutboundError | undefined;
      for (let attempt = 0; attempt < attempts; attempt++) {
        if (attempt > 0) await sleep(backoffDelay(attempt - 1, { initialDelayMs: 2_000, maxDelayMs: 8_000, random: deps.random }));
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
          const status = response.statusCode;
          lastError = new OutboundError(`${what} answered HTTP ${status}`, { code: 'ERR_OUTBOUND_STATUS', ...statusMeaning(status), status, endpoint });
        } catch (error) {
          lastError = networkError(what, endpoint, error);
        }
        if (!lastError.retryable) break;
      }
      throw lastError!;
    },
  };
}
