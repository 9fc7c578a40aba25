// Builds one ECR client per (region, role), on the standard AWS credential
// chain. A configured role is assumed with STS on top of that chain. The
// endpoint override (AWS_ENDPOINT_URL_ECR, read by the entry point) is given
// to the client explicitly, so the endpoint an error names is the one used.
import { ECRClient } from '@aws-sdk/client-ecr';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { endpointOf } from '../errors/outbound-error.js';
import { classifyEcrError } from './classify-ecr-error.js';
import type { MintKey } from './ecr-token.js';

export interface EcrClientFactory {
  (key: MintKey): Pick<ECRClient, 'send'>;
  /** scheme://host:port the key's calls go to; without it, the regional endpoint is assumed. */
  endpoint?(key: MintKey): string;
}

export interface EcrClientOptions {
  requestTimeoutMs: number;
  maxAttempts?: number;
  /** The ECR endpoint override (VPC endpoint, test double); the regional endpoint when absent. */
  endpointUrl?: string;
  /** The STS endpoint override for assuming a role; the regional STS endpoint when absent. */
  stsEndpointUrl?: string;
}

/** The public regional endpoint, as the SDK resolves it for a region with no override. */
export function regionalEcrEndpoint(region: string): string {
  return endpointOf(`https://api.ecr.${region}.amazonaws.com`);
}

export function createEcrClientFactory(options: EcrClientOptions): EcrClientFactory {
  const clients = new Map<string, ECRClient>();
  const factory: EcrClientFactory = (key) => {
    const id = `${key.awsRegion}|${key.roleArn ?? ''}`;
    let client = clients.get(id);
    if (!client) {
      client = new ECRClient({
        region: key.awsRegion,
        maxAttempts: options.maxAttempts ?? 3,
        ...(options.endpointUrl && { endpoint: options.endpointUrl }),
        requestHandler: {
          connectionTimeout: Math.min(options.requestTimeoutMs, 10_000),
          requestTimeout: options.requestTimeoutMs,
          // Without it the SDK only prints a warning when requestTimeout passes and
          // keeps waiting, so a hung ECR endpoint held each mint for the outer
          // deadline (4 x REQUEST_TIMEOUT) and was never retried.
          throwOnRequestTimeout: true,
        },
        credentials: key.roleArn ? assumeRole(key.roleArn, key.awsRegion, options.stsEndpointUrl) : undefined,
      });
      clients.set(id, client);
    }
    return client;
  };
  factory.endpoint = (key) => {
    if (options.endpointUrl) return endpointOf(options.endpointUrl);
    const client = factory(key) as ECRClient;
    return endpointOf(client.config.endpointProvider({ Region: key.awsRegion }).url);
  };
  return factory;
}

/** Role credentials whose failures name the STS endpoint and the role, not the ECR call they were for. */
function assumeRole(roleArn: string, region: string, stsEndpointUrl: string | undefined) {
  // The session only signs GetAuthorizationToken calls; ECR documents its tokens as valid for
  // 12 hours, not bounded by this session, and the SDK assumes the role again when it runs out.
  // The refresher plans from each token's own expiresAt either way.
  const provider = fromTemporaryCredentials({
    params: { RoleArn: roleArn, RoleSessionName: 'ecr-token-refresher', DurationSeconds: 900 },
    clientConfig: { region, ...(stsEndpointUrl && { endpoint: stsEndpointUrl }) },
  });
  const endpoint = endpointOf(stsEndpointUrl ?? `https://sts.${region}.amazonaws.com`);
  return async () => {
    try {
      return await provider();
    } catch (error) {
      throw classifyEcrError(error, { operation: 'STS AssumeRole', context: `role ${roleArn}`, endpoint });
    }
  };
}
