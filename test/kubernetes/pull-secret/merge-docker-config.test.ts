import { describe, expect, it } from 'vitest';
import { mergeDockerConfig, unmergeableReason } from '../../../src/kubernetes/pull-secret/merge-docker-config.js';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const ENTRY = '{"username":"AWS","password":"pw-2","auth":"QVdTOnB3LTI="}';
const merge = (document: string) => mergeDockerConfig(Buffer.from(document, 'utf8'), HOST, ENTRY).toString('utf8');

describe('mergeDockerConfig', () => {
  it("adds our entry and keeps the rest of a hand-written document byte for byte: others' entries, credsStore, credHelpers, spacing, escapes", () => {
    const document = [
      '{',
      '  "auths": {',
      '    "https://index.docker.io/v1/": { "auth": "ZG9ja2VyOmh1Yg==", "email": "caf\\u00e9@example.com", "n": 1.0 }',
      '  },',
      '  "credsStore": "desktop",',
      '  "credHelpers": { "gcr.io": "gcloud" }',
      '}',
    ].join('\n');
    const dockerHub = '"https://index.docker.io/v1/": { "auth": "ZG9ja2VyOmh1Yg==", "email": "caf\\u00e9@example.com", "n": 1.0 }';
    expect(merge(document)).toBe(document.replace(dockerHub, `${dockerHub},"${HOST}":${ENTRY}`));
  });

  it('replaces only the value of our own entry, wherever it sits', () => {
    const document = `{"auths":{"a.example":{"auth":"YTpi"},"${HOST}" : {"auth":"old","email":"x"},"z.example":{"auth":"ejpi"}},"x":[1,{"y":"}"}]}`;
    expect(merge(document)).toBe(`{"auths":{"a.example":{"auth":"YTpi"},"${HOST}" : ${ENTRY},"z.example":{"auth":"ejpi"}},"x":[1,{"y":"}"}]}`);
  });

  it('replaces every copy of a key that appears twice, so no stale credential of ours is left', () => {
    expect(merge(`{"auths":{"${HOST}":{"auth":"one"},"${HOST}":{"auth":"two"}}}`)).toBe(`{"auths":{"${HOST}":${ENTRY},"${HOST}":${ENTRY}}}`);
  });

  it('adds auths to a document without one, and fills an empty or null one', () => {
    expect(merge('{"credsStore":"pass"}')).toBe(`{"credsStore":"pass","auths":{"${HOST}":${ENTRY}}}`);
    expect(merge('{ }')).toBe(`{"auths":{"${HOST}":${ENTRY}} }`);
    expect(merge('{"auths":{}}')).toBe(`{"auths":{"${HOST}":${ENTRY}}}`);
    expect(merge('{"auths":null}')).toBe(`{"auths":{"${HOST}":${ENTRY}}}`);
    expect(merge('null')).toBe(`{"auths":{"${HOST}":${ENTRY}}}`);
  });

  it('keeps bytes that are not valid UTF-8 as they were', () => {
    const document = Buffer.concat([Buffer.from('{"auths":{},"note":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const expected = Buffer.concat([Buffer.from(`{"auths":{"${HOST}":${ENTRY}},"note":"`), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    expect(mergeDockerConfig(document, HOST, ENTRY)).toEqual(expected);
  });

  it('says why a document cannot take our entry without losing what it holds', () => {
    expect(unmergeableReason(Buffer.from('{"auths":'))).toBe('is not JSON');
    expect(unmergeableReason(Buffer.from('["a"]'))).toBe('is not a JSON object');
    expect(unmergeableReason(Buffer.from('{"auths":"x"}'))).toBe('has an "auths" that is not an object');
    expect(unmergeableReason(Buffer.from('{"auths":{}}'))).toBeUndefined();
    expect(() => mergeDockerConfig(Buffer.from('{"auths":[]}'), HOST, ENTRY)).toThrow(/not an object/);
  });
});
