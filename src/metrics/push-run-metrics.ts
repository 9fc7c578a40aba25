// The end of a one-shot run: its metrics go to the Pushgateway, since no
// scrape can reach a process that has already exited. The URL logged has no
// credentials: loadConfig moved them to pushgatewayAuth.
import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { Metrics } from './create-metrics.js';
import { pushToGateway } from './push-to-gateway.js';

/** After a one-shot run: push its metrics to the Pushgateway, if one is configured. False if that failed. */
export async function pushRunMetrics(config: Config, metrics: Metrics, logger: Logger, dispatcher: Dispatcher | undefined): Promise<boolean> {
  if (!config.pushgatewayUrl) return true;
  try {
    const groups = await pushToGateway({
      gatewayUrl: config.pushgatewayUrl,
      auth: config.pushgatewayAuth,
      registry: metrics.registry,
      timeoutMs: config.requestTimeoutMs,
      dispatcher,
    });
    logger.info({ pushgateway: config.pushgatewayUrl, groups: groups.length }, 'metrics pushed to the Pushgateway');
    return true;
  } catch (error) {
    logger.error({ err: error }, 'pushing metrics to the Pushgateway failed');
    return false;
  }
}
