// Builds one ECR client per (region, role), on the standard AWS credential
// chain. A configured role is assumed with STS on top of that chain. The SDK
// itself honours AWS_ENDPOINT_URL_ECR and the other standard variables.
import { ECRClient } from '@aws-sdk/client-ecr';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { MintKey } from './ecr-token.js';

export type EcrClientFactory = (key: MintKey) => Pick<ECRClient, 'send'>;

export function createEcrClientFactory(options: { requestTimeoutMs: number; maxAttempts?: number }): EcrClientFactory {
  const clients = new Map<string, ECRClient>();
  return (key) => {
    const id = `${key.awsRegion}|${key.roleArn ?? ''}`;
    let client = clients.get(id);
    if (!client) {
      client = new ECRClient({
        region: key.awsRegion,
        maxAttempts: options.maxAttempts ?? 3,
        requestHandler: {
          connectionTimeout: Math.min(options.requestTimeoutMs, 10_000),
          requestTimeout: options.requestTimeoutMs,
          // Without it the SDK only prints a warning when requestTimeout passes and
          // keeps waiting, so a hung ECR endpoint held each mint for the outer
          // deadline (4 x REQUEST_TIMEOUT) and was never retried.
          throwOnRequestTimeout: true,
        },
        credentials: key.roleArn
          ? fromTemporaryCredentials({
              params: { RoleArn: key.roleArn, RoleSessionName: 'ecr-token-refresher', DurationSeconds: 900 },
              clientConfig: { region: key.awsRegion },
            })
          : undefined,
      });
      clients.set(id, client);
    }
    return client;
  };
}
