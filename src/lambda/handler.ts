// The AWS Lambda entry point (`exports["./lambda"]`, bundled as the function's
// code): like cli.ts for the CLI, the only module of the driver that reads
// process.env. Lambda keeps this module loaded across warm invocations, so the
// one handler built here holds the validated configuration, the AWS clients
// and the cached key for the life of the execution environment.
import { readFileSync } from 'node:fs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import packageJson from '../../package.json' with { type: 'json' };
import { createProxyDispatcher } from '../http/create-proxy-dispatcher.js';
import { endpointOf } from '../http/endpoint.js';
import type { ApiKeySource } from './api-key-source.js';
import { createApiKeyFetcher } from './fetch-api-key.js';
import { createLambdaHandler, type LambdaContext, type LambdaResult } from './create-lambda-handler.js';

const env = process.env;

function keyReaderFor(source: ApiKeySource) {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  // The SDK reads AWS_ENDPOINT_URL_SECRETS_MANAGER / AWS_ENDPOINT_URL_SSM itself; this only names it in errors.
  const [service, override] =
    source.kind === 'secrets-manager' ? ['secretsmanager', env.AWS_ENDPOINT_URL_SECRETS_MANAGER] : ['ssm', env.AWS_ENDPOINT_URL_SSM];
  const custom = override ?? env.AWS_ENDPOINT_URL;
  const endpoint = custom ? endpointOf(custom) : `https://${service}.${region}.amazonaws.com:443`;
  let secretsManager: SecretsManagerClient | undefined;
  let ssm: SSMClient | undefined;
  return createApiKeyFetcher({
    source,
    endpoint,
    secretsManager: () => (secretsManager ??= new SecretsManagerClient({ region })),
    ssm: () => (ssm ??= new SSMClient({ region })),
  });
}

const run = createLambdaHandler({
  env,
  version: packageJson.version,
  keyReaderFor,
  readFile: (path) => readFileSync(path, 'utf8'),
  write: (line) => void process.stdout.write(line),
  dispatcher: createProxyDispatcher(env),
});

export async function handler(event: unknown, context: LambdaContext): Promise<LambdaResult> {
  return run(event, context);
}
