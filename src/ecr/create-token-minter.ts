// Mints ECR registry tokens: one GetAuthorizationToken call per mint key,
// timed into the ECR request histogram and validated before use. Every
// failure is an OutboundError naming the endpoint the call went to.
import { GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import type { Clock } from '../schedule/clock.js';
import type { RequestTimer } from '../metrics/create-target-observer.js';
import { classifyEcrError } from './classify-ecr-error.js';
import { regionalEcrEndpoint, type EcrClientFactory } from './create-ecr-client-factory.js';
import type { EcrToken, MintKey } from './ecr-token.js';
import { parseAuthorizationData } from './parse-authorization-data.js';

export type TokenMinter = (key: MintKey) => Promise<EcrToken>;

export function describeMintKey(key: MintKey): string {
  const registry = key.registryId ? `registry ${key.registryId}` : 'the default registry';
  return `${registry} in ${key.awsRegion}${key.roleArn ? ` as ${key.roleArn}` : ''}`;
}

export function createTokenMinter(deps: {
  clientFor: EcrClientFactory;
  clock: Clock;
  observeRequest?: RequestTimer;
  requestTimeoutMs: number;
}): TokenMinter {
  return async (key) => {
    const context = describeMintKey(key);
    const client = deps.clientFor(key);
    const endpoint = deps.clientFor.endpoint?.(key) ?? regionalEcrEndpoint(key.awsRegion);
    const command = new GetAuthorizationTokenCommand(key.registryId ? { registryIds: [key.registryId] } : {});
    const started = deps.clock.now();
    let status = 'error';
    try {
      // The outer deadline covers the SDK's own retries too.
      const reply = await client.send(command, { abortSignal: AbortSignal.timeout(deps.requestTimeoutMs * 4) });
      status = String(reply.$metadata.httpStatusCode ?? 200);
      return parseAuthorizationData(reply.authorizationData, { context, endpoint }, deps.clock.now());
    } catch (error) {
      const httpStatus = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (httpStatus) status = String(httpStatus);
      throw classifyEcrError(error, { operation: 'ECR GetAuthorizationToken', context, endpoint });
    } finally {
      deps.observeRequest?.('GetAuthorizationToken', status, (deps.clock.now() - started) / 1000);
    }
  };
}
