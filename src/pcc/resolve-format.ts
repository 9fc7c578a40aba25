// Picks the body shape for a target from its configured format and what the
// API already holds, and refuses combinations the API would reject (a region
// change, a regular set turned into an image pull secret) before sending.
import type { SecretFormat, TargetConfig } from '../config/config.js';
import { RefreshError } from '../errors/refresh-error.js';
import type { ResolvedFormat } from './build-secret-body.js';
import type { SecretSetSummary } from './secret-set.js';

export interface PushPlan {
  format: ResolvedFormat;
  /** Sent only when creating the set, or when it matches the existing one. */
  region?: string;
  creating: boolean;
}

export function resolveFormat(target: TargetConfig, existing: SecretSetSummary | undefined): PushPlan {
  const configured: SecretFormat = target.format;
  const refuse = (problem: string, fix: string) =>
    new RefreshError(`${problem}: ${fix}`, { stage: 'push', reason: 'config', retryable: false, fix });

  if (existing && target.pccRegion && existing.region && existing.region !== target.pccRegion) {
    throw refuse(
      `secret set "${target.name}" exists in region "${existing.region}" but PCC_REGION is "${target.pccRegion}"`,
      'a set cannot change region; set PCC_REGION to the existing region, or delete the set to re-create it',
    );
  }
  const existingFormat: ResolvedFormat | undefined = existing
    ? existing.type === 'imagePullSecret'
      ? 'image-pull-secret'
      : 'triplet'
    : undefined;
  const format: ResolvedFormat = configured === 'auto' ? (existingFormat ?? 'image-pull-secret') : configured;

  if (existingFormat === 'triplet' && format === 'image-pull-secret') {
    throw refuse(
      `secret set "${target.name}" exists as a regular set and cannot be turned into an image pull secret in place`,
      'set PCC_SECRET_FORMAT=triplet (or auto), or delete the set so it is re-created as an image pull secret',
    );
  }
  if (existingFormat === 'image-pull-secret' && format === 'triplet') {
    throw refuse(
      `secret set "${target.name}" exists as an image pull secret and cannot take the username/password/registry triplet`,
      'set PCC_SECRET_FORMAT=image-pull-secret (or auto), or delete the set to re-create it',
    );
  }
  return { format, region: target.pccRegion, creating: !existing };
}
