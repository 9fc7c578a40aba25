// Where at-risk and recovered transitions go besides metrics (a webhook).
export interface RiskEvent {
  kind: 'at_risk' | 'recovered';
  secretSet: string;
  registry: string;
  /** Epoch ms at which the token in the secret set expires, if one was ever pushed. */
  expiresAt?: number;
  stage?: string;
  reason?: string;
  message: string;
}

export interface RiskNotifier {
  notify(event: RiskEvent): Promise<void>;
}
