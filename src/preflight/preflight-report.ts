// What --dry-run finds: one check per side (ECR per mint group, each target's
// sink), the redacted requests a refresh would send, and every problem, each
// naming the endpoint it concerns and the fix. Machine-readable on stdout.
import type { PublishPreview } from '../sink/sink.js';

/** `ecr` for a mint group, the sink's kind (`pipecat`, ...) for a target. */
export type PreflightSide = string;

export interface PreflightProblem {
  /** The target's name (the secret set, `<namespace>/<name>`, ...). */
  target: string;
  side: PreflightSide;
  /** The error's stable code (ERR_OUTBOUND_STATUS, ERR_PREFLIGHT_TOKEN, ...). */
  code: string;
  /** Its failure reason (unauthorized, connection_error, config, ...). */
  reason: string;
  /** scheme://host:port tried, when the check went to a remote side. */
  endpoint?: string;
  message: string;
  fix: string;
}

export interface PreflightCheck {
  side: PreflightSide;
  /** What was checked: the mint key (`the default registry in us-east-1`) or the target's name. */
  subject: string;
  endpoint?: string;
  ok: boolean;
  /** On success: what was found; on failure: the problem's message. */
  said: string;
  fix?: string;
}

export interface DryRunRequest extends PublishPreview {
  target: string;
  /** When the token ends; null when no token could be minted (secret lengths are then unknown). */
  tokenExpiresAt: string | null;
  creating: boolean;
}

export interface PreflightReport {
  ok: boolean;
  checks: PreflightCheck[];
  requests: DryRunRequest[];
  problems: PreflightProblem[];
}
