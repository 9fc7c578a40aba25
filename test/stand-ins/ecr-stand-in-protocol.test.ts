import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEcrStandIn, type EcrStandIn } from '../../stand-ins/ecr-stand-in.js';
import { ecrRequestHeaders } from './support/ecr-request-headers.js';

let ecr: EcrStandIn;
beforeAll(async () => {
  ecr = await startEcrStandIn();
});
afterEach(() => ecr.reset());
afterAll(() => ecr.close());

async function post(headers: Record<string, string>, body = '{}', path = '/') {
  const response = await fetch(`${ecr.url}${path}`, { method: 'POST', headers, body });
  const text = await response.text();
  let json: { __type?: string; message?: string } | undefined;
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    json = undefined;
  }
  return { status: response.status, errorType: response.headers.get('x-amzn-errortype'), json, text };
}

describe('ECR stand-in refuses what ECR refuses', () => {
  it('answers a well-formed signed request with authorizationData', async () => {
    const reply = await post(ecrRequestHeaders());
    expect(reply.status).toBe(200);
    expect(reply.text).toMatch(/^\{"authorizationData":\[\{"authorizationToken":"[A-Za-z0-9+/=]+","expiresAt":\d+(\.\d+)?,"proxyEndpoint":"https:\/\/123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com"\}\]\}$/);
  });

  it('refuses a request without an Authorization header as MissingAuthenticationTokenException', async () => {
    const reply = await post(ecrRequestHeaders({ authorization: undefined }));
    expect(reply.status).toBe(400);
    expect(reply.json?.__type).toBe('MissingAuthenticationTokenException');
    expect(reply.errorType).toBe('MissingAuthenticationTokenException');
    expect(ecr.calls).toHaveLength(0);
  });

  it('refuses a signature without X-Amz-Date or without Signature as IncompleteSignatureException', async () => {
    const noDate = await post(ecrRequestHeaders({ 'x-amz-date': undefined }));
    expect([noDate.status, noDate.json?.__type]).toEqual([400, 'IncompleteSignatureException']);
    const noSignature = await post(
      ecrRequestHeaders({ authorization: 'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE0000000001/20250101/us-east-1/ecr/aws4_request, SignedHeaders=host;x-amz-date' }),
    );
    expect(noSignature.json?.__type).toBe('IncompleteSignatureException');
    expect(noSignature.json?.message).toContain("'Signature'");
  });

  it('refuses a credential scoped to another service', async () => {
    const reply = await post(
      ecrRequestHeaders({
        authorization: `AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE0000000001/20250101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
      }),
    );
    expect(reply.json).toEqual({ __type: 'InvalidSignatureException', message: "Credential should be scoped to correct service: 'ecr'." });
  });

  it('refuses other operations and a wrong content type with UnknownOperationException', async () => {
    const other = await post(ecrRequestHeaders({ 'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.DescribeRepositories' }));
    expect([other.status, other.json?.__type]).toEqual([400, 'UnknownOperationException']);
    const json10 = await post(ecrRequestHeaders({ 'content-type': 'application/x-amz-json-1.0' }));
    expect(json10.json?.__type).toBe('UnknownOperationException');
    const getRoot = await fetch(`${ecr.url}/`, { headers: ecrRequestHeaders() });
    expect(getRoot.status).toBe(404);
    expect(ecr.calls).toHaveLength(0);
  });

  it('refuses a body that is not JSON with SerializationException and bad registry ids with InvalidParameterException', async () => {
    expect((await post(ecrRequestHeaders(), '{not json')).json?.__type).toBe('SerializationException');
    expect((await post(ecrRequestHeaders(), '{"registryIds":"123456789012"}')).json?.__type).toBe('SerializationException');
    expect((await post(ecrRequestHeaders(), '{"registryIds":["12345678901a"]}')).json?.__type).toBe('InvalidParameterException');
    expect((await post(ecrRequestHeaders(), '{"registryIds":[]}')).json?.__type).toBe('InvalidParameterException');
  });

  it('takes the region from the credential scope', async () => {
    await post(
      ecrRequestHeaders({
        authorization: `AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE0000000001/20250101/eu-central-1/ecr/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'f'.repeat(64)}`,
      }),
    );
    expect(ecr.calls[0]?.region).toBe('eu-central-1');
    expect(ecr.issued[0]?.proxyEndpoint).toBe('https://123456789012.dkr.ecr.eu-central-1.amazonaws.com');
  });

  it('answers an aws-error fault in the AWS JSON error form', async () => {
    ecr.failNext(1, { kind: 'aws-error', status: 400, type: 'ThrottlingException', message: 'Rate exceeded' });
    const reply = await post(ecrRequestHeaders());
    expect(reply).toMatchObject({ status: 400, errorType: 'ThrottlingException', json: { __type: 'ThrottlingException', message: 'Rate exceeded' } });
  });

  it('takes faults and shows state over its admin routes, which are not ECR', async () => {
    const set = await fetch(`${ecr.url}/__admin/fault`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fault: { kind: 'aws-error', status: 400, type: 'AccessDeniedException', message: 'no' }, count: 1 }),
    });
    expect(set.status).toBe(200);
    expect((await post(ecrRequestHeaders())).json?.__type).toBe('AccessDeniedException');
    expect((await post(ecrRequestHeaders())).status).toBe(200);
    const state = (await (await fetch(`${ecr.url}/__admin/state`)).json()) as { calls: unknown[]; issued: { password: string }[] };
    expect(state.calls).toHaveLength(2);
    expect(state.issued).toHaveLength(1);
    expect(state.issued[0]?.password).toBe(ecr.issued[0]?.password);
    const unknownKind = await fetch(`${ecr.url}/__admin/fault`, { method: 'POST', body: JSON.stringify({ fault: { kind: 'meteor' } }) });
    expect(unknownKind.status).toBe(400);
  });
});
