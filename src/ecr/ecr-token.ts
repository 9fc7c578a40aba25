// What one GetAuthorizationToken call yields for one registry.
export interface EcrToken {
  /** The registry password (the part after "AWS:"). Secret. */
  password: string;
  /** base64("AWS:" + password), as ECR returns it. Secret. */
  authorizationToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  /**
   * When the reply arrived, epoch ms on this host's clock: with expiresAt, the
   * token's observed lifetime, which the expiry guard is planned from.
   */
  mintedAt?: number;
  /** https://<account>.dkr.ecr.<region>.amazonaws.com */
  proxyEndpoint: string;
  /** <account>.dkr.ecr.<region>.amazonaws.com */
  registryHost: string;
}

/** Targets that share this key share one ECR call per cycle. */
export interface MintKey {
  awsRegion: string;
  registryId?: string;
  roleArn?: string;
}

export function mintKeyId(key: MintKey): string {
  return [key.awsRegion, key.registryId ?? '', key.roleArn ?? ''].join('|');
}

/** Every form in which a token's secret can be written out; what a scrubber must hide. */
export function tokenSecrets(token: EcrToken): string[] {
  return [token.password, token.authorizationToken];
}
