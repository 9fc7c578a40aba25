// Environments for the programs under measurement: the refresher (built CLI)
// and the shell pipeline, both pointed at the stand-ins on loopback with fake
// AWS keys and a HOME of their own, so no ~/.aws profile or stray AWS_*
// variable of this machine changes what is measured.
export interface Endpoints {
  ecrUrl: string;
  apiUrl: string;
  apiKey: string;
}

const AWS_KEYS = {
  AWS_ACCESS_KEY_ID: 'AKIABENCHMARK0000001',
  AWS_SECRET_ACCESS_KEY: 'benchmark-secret-access-key-not-real',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
};

export function refresherEnv(endpoints: Endpoints, home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    ...AWS_KEYS,
    AWS_ENDPOINT_URL_ECR: endpoints.ecrUrl,
    PCC_API_URL: endpoints.apiUrl,
    PCC_API_KEY: endpoints.apiKey,
    METRICS_HOST: '127.0.0.1',
    METRICS_PORT: '0',
    LOG_LEVEL: 'info',
    ...extra,
  };
}

export function shellEnv(endpoints: Endpoints, home: string, secretSet: string, awsCli: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    ...AWS_KEYS,
    AWS_PAGER: '',
    AWS: awsCli,
    ECR_URL: endpoints.ecrUrl,
    REGISTRY_HOST: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com',
    PCC_API_URL: endpoints.apiUrl,
    PCC_API_KEY: endpoints.apiKey,
    PCC_SECRET_SET: secretSet,
  };
}
