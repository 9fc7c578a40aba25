// The serverless driver: each invocation runs the one-shot driver (the same
// engine, retries and redaction as `--once`) bounded by the time the
// invocation has left, writes CloudWatch EMF lines, and throws when a target
// failed so that the invoker's retry and the Errors metric see it. The
// configuration is validated on the first invocation and the result (or the
// error) kept for the life of the execution environment, whose env never changes;
// so are the app (its metrics registry and its ECR, secrets API and webhook
// clients, with their connections), rebuilt only when the key read changes.
import type { Dispatcher } from 'undici';
import { ConfigError } from '../config/config-error.js';
import { createApp } from '../create-app.js';
import { systemClock, systemTimers, type Clock, type Timers } from '../schedule/clock.js';
import type { ApiKeySource } from './api-key-source.js';
import { createEmfWriter } from './create-emf-writer.js';
import { createKeyCache, type KeyCache } from './create-key-cache.js';
import { loadLambdaConfig, type LambdaConfig } from './load-lambda-config.js';
import { RefreshFailedError } from './refresh-failed-error.js';

export interface LambdaContext {
  getRemainingTimeInMillis(): number;
  awsRequestId?: string;
}

export interface LambdaResult {
  refreshed: { secretSet: string; expiresAt: string }[];
}

export interface LambdaHandlerOptions {
  env: Record<string, string | undefined>;
  version: string;
  /** Builds the reader of the key for the configured source (the AWS SDK clients live there). */
  keyReaderFor: (source: ApiKeySource) => () => Promise<string>;
  readFile: (path: string) => string;
  /** Where log and EMF lines go: stdout, which Lambda ships to CloudWatch Logs. */
  write: (line: string) => void;
  clock?: Clock;
  timers?: Timers;
  dispatcher?: Dispatcher;
  random?: () => number;
  keyCacheMs?: number;
  safetyMarginMs?: number;
}

/** How long a warm environment reuses the key it read (see create-key-cache.ts). */
export const KEY_CACHE_MS = 15 * 60_000;
/** The run must end this long before the Lambda timeout, so the invocation ends with its own report. */
export const SAFETY_MARGIN_MS = 20_000;

export function createLambdaHandler(options: LambdaHandlerOptions) {
  const clock = options.clock ?? systemClock;
  const timers = options.timers ?? systemTimers;
  const margin = options.safetyMarginMs ?? SAFETY_MARGIN_MS;
  const emf = createEmfWriter({ write: options.write, clock });
  let loaded: { lambda: LambdaConfig; keys: KeyCache } | ConfigError | undefined;
  let built: { apiKey: string; app: ReturnType<typeof createApp> } | undefined;

  /** The app of the previous warm invocation, unless the key changed. */
  async function appFor(lambda: LambdaConfig, apiKey: string) {
    if (built?.apiKey === apiKey) return built.app;
    await built?.app.stop();
    const app = createApp({
      config: { ...lambda.config, apiKey },
      version: options.version,
      logDestination: { write: options.write },
      clock,
      timers,
      dispatcher: options.dispatcher,
      random: options.random,
    });
    built = { apiKey, app };
    return app;
  }

  function load() {
    if (loaded === undefined) {
      try {
        const lambda = loadLambdaConfig(options.env, options.readFile);
        const keys = createKeyCache({ load: options.keyReaderFor(lambda.keySource), clock, ttlMs: options.keyCacheMs ?? KEY_CACHE_MS });
        loaded = { lambda, keys };
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        loaded = error;
      }
    }
    if (loaded instanceof ConfigError) throw loaded;
    return loaded;
  }

  return async function handler(_event: unknown, context: LambdaContext): Promise<LambdaResult> {
    const { lambda, keys } = load();
    const app = await appFor(lambda, await keys.get());
    const started = clock.now();
    // No retry starts that could not end before the deadline, and confirm
    // waits are cut to fit, so the invocation ends with its own report.
    const outcomes = await app.runOnce({ remainingMs: () => context.getRemainingTimeInMillis() - margin });
    const pushed = await app.finishOnce();
    // Waits (bounded) for alert deliveries still in flight; the app is kept for the next invocation.
    await app.stop();
    emf.record(outcomes, clock.now() - started);
    const failed = outcomes.filter((o) => !o.ok);
    app.logger.info({ targets: outcomes.length, failed: failed.map((o) => o.secretSet), requestId: context.awsRequestId }, 'invocation finished');
    // A refused key may have been rotated: read it again next time.
    if (failed.some((o) => o.error?.reason === 'unauthorized')) keys.forget();
    if (failed.length > 0) throw new RefreshFailedError(outcomes);
    if (!pushed) throw new Error('pushing metrics to the Pushgateway failed; see the log lines of this invocation');
    return { refreshed: outcomes.map((o) => ({ secretSet: o.secretSet, expiresAt: new Date(o.expiresAt!).toISOString() })) };
  };
}
