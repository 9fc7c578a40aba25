// One refresher on simulated time against the real stand-ins on loopback:
// the stand-ins' clocks, the refresher's clock and timers, and a cron
// scheduler all follow one fake clock, while requests travel over real HTTP.
// Outages are switched on and off by timers on that same clock. Everything a
// long-run test needs to watch is collected here: cycles as they finish,
// risk notifications, in-flight I/O.
import { ECRClient } from '@aws-sdk/client-ecr';
import { Agent } from 'undici';
import type { RiskEvent } from '../../src/alerts/risk-notifier.js';
import type { Config } from '../../src/config/config.js';
import { createTokenMinter } from '../../src/ecr/create-token-minter.js';
import { createLogger } from '../../src/log/create-logger.js';
import { createMetrics } from '../../src/metrics/create-metrics.js';
import { createSecretsClient } from '../../src/pcc/create-secrets-client.js';
import { createDaemonDriver } from '../../src/drivers/create-daemon-driver.js';
import { createTargetObserver, requestTimer } from '../../src/metrics/create-target-observer.js';
import { createPipecatSink } from '../../src/pcc/create-pipecat-sink.js';
import { startEcrStandIn, type EcrStandIn } from '../../stand-ins/ecr-stand-in.js';
import { startSecretsApiStandIn, type SecretsApiStandIn } from '../../stand-ins/secrets-api-stand-in.js';
import { createClockScheduler } from './create-clock-scheduler.js';
import { driveFakeTime } from './drive-fake-time.js';
import { createFakeTime } from './fake-time.js';
import { makeConfig } from './make-config.js';
import type { Outage } from './plan-outages.js';
import type { SimulatedFault } from './simulated-faults.js';
import { seededRandom } from './seeded-random.js';
import { trackInFlight } from './track-in-flight.js';
import { hasSeries, metricValue } from './metric-value.js';

export interface CycleRecord {
  /** Simulated epoch ms when the cycle started and finished. */
  startedAt: number;
  finishedAt: number;
  trigger: string;
  failed: number;
}

export interface TimedRiskEvent extends RiskEvent {
  at: number;
}

export interface LoopbackSimulation {
  config: Config;
  ecr: EcrStandIn;
  api: SecretsApiStandIn;
  now(): number;
  /** Expiry (exact, as ECR issued it) of the token the secrets stand-in holds for a set. */
  heldExpiry(secretSet: string): number | undefined;
  /**
   * Forgets the stand-ins' request records and all issued tokens older than
   * the ones held. They record everything by design and share this process's
   * heap, which a leak check must not count against the refresher.
   */
  trimRecords(): void;
  refresher: ReturnType<typeof createDaemonDriver>;
  metricValue(name: string, labels?: Record<string, string>): Promise<number | undefined>;
  readonly ticks: number;
  readonly notices: TimedRiskEvent[];
  readonly riskLogLines: { atRisk: number; recovered: number };
  /** Runs to `until`, calling onQuiet at every event once I/O has settled. */
  run(until: number, onQuiet?: (now: number, nextAt: number) => void | Promise<void>): Promise<{ events: number }>;
  close(): Promise<void>;
}

export async function startLoopbackSimulation(options: {
  start: number;
  seed: number;
  outages: Outage<SimulatedFault>[];
  configOverrides?: Partial<Config>;
  /** Called with each finished cycle, in order, at the simulated moment it finished. */
  onCycle?: (cycle: CycleRecord) => void;
}): Promise<LoopbackSimulation> {
  const time = createFakeTime(options.start);
  const now = () => time.clock.now();
  const ecr = await startEcrStandIn({ now });
  const api = await startSecretsApiStandIn({ now });
  const config = makeConfig({ apiUrl: api.url, apiKey: api.apiKey, ...options.configOverrides });
  const metrics = createMetrics({ version: 'simulation', defaultMetrics: false });
  const inFlight = trackInFlight();
  const dispatcher = new Agent();
  // The SDK's own retries wait in real time, which a fake clock cannot skip;
  // the refresher's backoff is what this simulation is about.
  const ecrClient = new ECRClient({
    region: 'us-east-1',
    endpoint: ecr.url,
    credentials: { accessKeyId: 'AKIASIMULATION000001', secretAccessKey: 'simulation-secret-not-real' },
    maxAttempts: 1,
  });
  const mint = inFlight.mint(
    createTokenMinter({ clientFor: () => ecrClient, clock: time.clock, observeRequest: requestTimer(metrics, 'ecr'), requestTimeoutMs: config.requestTimeoutMs }),
  );
  const secrets = inFlight.secrets(
    createSecretsClient({ apiUrl: api.url, apiKey: api.apiKey, requestTimeoutMs: config.requestTimeoutMs, clock: time.clock, dispatcher, observeRequest: requestTimer(metrics, 'secrets-api') }),
  );
  const scheduler = createClockScheduler(config.schedule, time);

  // Log lines are read as they are written and then dropped, so a long run
  // keeps no history the heap check would mistake for a leak.
  const started = new Map<number, number>();
  const riskLogLines = { atRisk: 0, recovered: 0 };
  const logger = createLogger({
    level: 'info',
    destination: {
      write(line: string) {
        if (line.includes('"msg":"refresh started"')) {
          started.set((JSON.parse(line) as { cycle: number }).cycle, now());
        } else if (line.includes('"msg":"refresh finished"')) {
          const entry = JSON.parse(line) as { cycle: number; trigger: string; failed: number };
          const startedAt = started.get(entry.cycle) ?? now();
          started.delete(entry.cycle);
          options.onCycle?.({ startedAt, finishedAt: now(), trigger: entry.trigger, failed: entry.failed });
        } else if (line.includes('"msg":"target at risk"')) {
          riskLogLines.atRisk++;
        } else if (line.includes('"msg":"target recovered"')) {
          riskLogLines.recovered++;
        }
      },
    },
  });

  const notices: TimedRiskEvent[] = [];
  const refresher = createDaemonDriver({
    config,
    clock: time.clock,
    timers: time.timers,
    mint,
    sinks: { pipecat: createPipecatSink({ secrets, clock: time.clock, timers: time.timers }) },
    logger,
    observer: createTargetObserver(metrics),
    scheduler,
    random: seededRandom(options.seed ^ 0x5bd1e995),
    notifier: { notify: async (event) => void notices.push({ ...event, at: now() }) },
  });

  function issuedIndex(authorizationToken: string | undefined): number {
    for (let i = ecr.issued.length - 1; i >= 0 && authorizationToken !== undefined; i--) {
      if (ecr.issued[i]!.authorizationToken === authorizationToken) return i;
    }
    return -1;
  }

  // Outages are switched by timers on the fake clock, one after another.
  function armOutage(index: number) {
    const outage = options.outages[index];
    if (!outage) return;
    time.timers.setTimeout(() => {
      outage.fault.apply(ecr, api);
      time.timers.setTimeout(() => {
        outage.fault.clear(ecr, api);
        armOutage(index + 1);
      }, outage.to - outage.from);
    }, outage.from - now());
  }
  armOutage(0);

  return {
    config,
    ecr,
    api,
    now,
    heldExpiry(secretSet) {
      const value = api.getSet(secretSet)?.secretValue;
      if (value === undefined) return undefined;
      const index = issuedIndex(value);
      if (index < 0) throw new Error(`the secrets stand-in holds a token for "${secretSet}" that the ECR stand-in never issued`);
      return ecr.issued[index]!.expiresAt.getTime();
    },
    trimRecords() {
      api.requests.length = 0;
      ecr.calls.length = 0;
      const held = config.targets.map((t) => issuedIndex(api.getSet(t.name)?.secretValue));
      const keepFrom = Math.min(ecr.issued.length, ...held.filter((i) => i >= 0));
      ecr.issued.splice(0, keepFrom);
    },
    refresher,
    async metricValue(name, labels = {}) {
      return (await hasSeries(metrics.registry, name, labels)) ? metricValue(metrics.registry, name, labels) : undefined;
    },
    get ticks() {
      return scheduler.ticks;
    },
    notices,
    riskLogLines,
    async run(until, onQuiet) {
      void refresher.start();
      return driveFakeTime({ time, until, busy: () => inFlight.count > 0, onQuiet });
    },
    async close() {
      await refresher.stop(0);
      ecrClient.destroy();
      await dispatcher.close();
      await Promise.all([ecr.close(), api.close()]);
    },
  };
}
