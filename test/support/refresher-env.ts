// The environment for running the built refresher against the local stand-ins:
// fake AWS keys, the stand-ins' URLs, metrics on loopback, and a HOME of the
// test's own so no ~/.aws profile or stray AWS_* variable leaks in.
import type { EcrStandIn } from '../../stand-ins/ecr-stand-in.js';
import type { SecretsApiStandIn } from '../../stand-ins/secrets-api-stand-in.js';

export function refresherEnv(options: {
  ecr: EcrStandIn;
  api: SecretsApiStandIn;
  home: string;
  extra?: Record<string, string>;
}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: options.home,
    AWS_ENDPOINT_URL_ECR: options.ecr.url,
    AWS_ACCESS_KEY_ID: 'AKIAE2ETESTEXAMPLE01',
    AWS_SECRET_ACCESS_KEY: 'e2e-secret-access-key-not-real',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    PCC_API_URL: options.api.url,
    PCC_API_KEY: options.api.apiKey,
    METRICS_HOST: '127.0.0.1',
    METRICS_PORT: '0',
    LOG_LEVEL: 'info',
    ...options.extra,
  };
}
