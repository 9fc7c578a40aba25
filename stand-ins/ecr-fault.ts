// The faults the ECR stand-in can inject: the transport faults both stand-ins
// share, plus AWS error replies and well-formed replies with bad contents.
import type { TransportFault } from './transport-fault.js';

export type EcrFault =
  | TransportFault
  /** An AWS JSON error: `{"__type": type, "message": message}` with `x-amzn-errortype`. */
  | { kind: 'aws-error'; status: number; type: string; message?: string }
  /** 200 with `authorizationData: []`. */
  | { kind: 'empty-authorization-data' }
  /** A token whose expiresAt is already in the past. */
  | { kind: 'expired-token'; expiredSecondsAgo?: number }
  /** A token whose proxyEndpoint is not a URL. */
  | { kind: 'malformed-proxy-endpoint'; proxyEndpoint?: string };

export const ECR_FAULT_KINDS = [
  'status',
  'reset',
  'hang',
  'slowloris',
  'garbage',
  'oversized',
  'aws-error',
  'empty-authorization-data',
  'expired-token',
  'malformed-proxy-endpoint',
] as const;

/** Shorthands for the AWS errors tests ask for most. */
export const ecrErrors = {
  throttling: { kind: 'aws-error', status: 400, type: 'ThrottlingException', message: 'Rate exceeded' },
  accessDenied: {
    kind: 'aws-error',
    status: 400,
    type: 'AccessDeniedException',
    message: 'User is not authorized to perform: ecr:GetAuthorizationToken on resource: *',
  },
  server: { kind: 'aws-error', status: 500, type: 'ServerException', message: 'Internal service error' },
  expiredToken: { kind: 'aws-error', status: 400, type: 'ExpiredTokenException', message: 'The security token included in the request is expired' },
} as const satisfies Record<string, EcrFault>;
