// The process's logger, wrapped so that every secret it knows of (the API
// key, the webhook URL, the Pushgateway's basic auth, each token as it is
// minted) is scrubbed from its lines.
import type { DestinationStream } from 'pino';
import type { Config } from '../config/config.js';
import { tokenSecrets, type EcrToken } from '../ecr/ecr-token.js';
import { basicAuthSecrets } from '../metrics/push-to-gateway.js';
import { createLogger } from './create-logger.js';
import { createScrubbingDestination, createSecretScrubber } from './create-scrubbing-destination.js';

/** The logger, with every known secret scrubbed from its lines, and how to teach it a new token or secret. */
export function createLogging(config: Config, options: { logDestination?: DestinationStream }) {
  const scrubber = createSecretScrubber();
  if (config.apiKey) scrubber.keep(config.apiKey);
  // Incoming-webhook URLs carry their own credential.
  if (config.alertWebhookUrl) scrubber.keep(config.alertWebhookUrl);
  if (config.pushgatewayAuth) for (const secret of basicAuthSecrets(config.pushgatewayAuth)) scrubber.keep(secret);
  const destination = options.logDestination ?? { write: (line: string) => void process.stdout.write(line) };
  const logger = createLogger({ level: config.logLevel, destination: createScrubbingDestination(destination, scrubber) });
  const onToken = (token: EcrToken) => {
    for (const secret of tokenSecrets(token)) scrubber.add(secret);
  };
  return { logger, onToken, scrubber, scrub: (text: string) => scrubber.scrub(text) };
}
