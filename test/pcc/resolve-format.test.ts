import { describe, expect, it } from 'vitest';
import { resolveFormat } from '../../src/pcc/resolve-format.js';
import type { SecretSetSummary } from '../../src/pcc/secret-set.js';
import { makeTarget } from '../support/make-config.js';

const regular: SecretSetSummary = { name: 'ecr-pull', type: 'secret', region: 'us-west', status: 'ready' };
const pull: SecretSetSummary = { name: 'ecr-pull', type: 'imagePullSecret', region: 'us-west', status: 'ready' };

describe('resolveFormat', () => {
  it('auto: a new set becomes an image pull secret, existing sets keep their form', () => {
    expect(resolveFormat(makeTarget(), undefined)).toEqual({ format: 'image-pull-secret', creating: true, region: undefined });
    expect(resolveFormat(makeTarget(), regular).format).toBe('triplet');
    expect(resolveFormat(makeTarget(), pull).format).toBe('image-pull-secret');
  });

  it('sends the region on create and when it matches the existing set', () => {
    expect(resolveFormat(makeTarget({ pccRegion: 'eu-central' }), undefined).region).toBe('eu-central');
    expect(resolveFormat(makeTarget({ pccRegion: 'us-west' }), pull).region).toBe('us-west');
  });

  it('refuses a region change before sending, naming both regions and the fix', () => {
    expect(() => resolveFormat(makeTarget({ pccRegion: 'eu-central' }), pull)).toThrow(/exists in region "us-west" but PCC_REGION is "eu-central"/);
  });

  it('refuses to switch a set between the two forms, with the fix', () => {
    expect(() => resolveFormat(makeTarget({ format: 'image-pull-secret' }), regular)).toThrow(/regular set.*delete the set/);
    expect(() => resolveFormat(makeTarget({ format: 'triplet' }), pull)).toThrow(/image pull secret.*PCC_SECRET_FORMAT=image-pull-secret/);
  });
});
