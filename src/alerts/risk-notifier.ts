// Where at-risk and recovered transitions go besides metrics (a webhook).
export interface RiskEvent {
  kind: 'at_risk' | 'recovered';
  /** The target's name (a secret set, or `namespace/name` of a Kubernetes Secret). */
  name: string;
  registry: string;
  /** Epoch ms at which the token held by the target expires, if one was ever pushed. */
  expiresAt?: number;
  stage?: string;
  reason?: string;
  message: string;
}

export interface RiskNotifier {
  notify(event: RiskEvent): Promise<void>;
}
