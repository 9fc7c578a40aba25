// Checks that a request carries a well-formed AWS Signature Version 4
// Authorization header for the given service, answering with the error AWS
// gives when it does not. The signature itself is not recomputed: the point
// is that a client which forgot to sign, or signed for the wrong service,
// is refused as it would be by AWS.
import type { IncomingHttpHeaders } from 'node:http';

export type SigV4Check =
  | { ok: true; accessKeyId: string; date: string; region: string; signedHeaders: string[] }
  | { ok: false; type: string; message: string };

const ALGORITHM = 'AWS4-HMAC-SHA256';

export function checkSigV4Request(headers: IncomingHttpHeaders, service: string): SigV4Check {
  const authorization = headers.authorization;
  if (!authorization) return fail('MissingAuthenticationTokenException', 'Missing Authentication Token');
  if (!authorization.startsWith(`${ALGORITHM} `)) {
    return fail('IncompleteSignatureException', `Unsupported AWS 'algorithm': expected '${ALGORITHM}'`);
  }
  const params = new Map<string, string>();
  for (const part of authorization.slice(ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((name) => !params.get(name));
  const amzDate = headers['x-amz-date'];
  const problems = missing.map((name) => `Authorization header requires '${name}' parameter.`);
  if (typeof amzDate !== 'string' || amzDate === '') {
    problems.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (problems.length > 0) return fail('IncompleteSignatureException', problems.join(' '));

  const credential = (params.get('Credential') ?? '').split('/');
  if (credential.length !== 5 || credential.some((element) => element === '')) {
    return fail(
      'IncompleteSignatureException',
      'Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term',
    );
  }
  const [accessKeyId, date, region, scopeService, terminator] = credential as [string, string, string, string, string];
  if (terminator !== 'aws4_request') {
    return fail('IncompleteSignatureException', `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`);
  }
  if (scopeService !== service) {
    return fail('InvalidSignatureException', `Credential should be scoped to correct service: '${service}'.`);
  }
  if (!/^\d{8}T\d{6}Z$/.test(String(amzDate))) {
    return fail('IncompleteSignatureException', `X-Amz-Date must be in ISO 8601 basic format (YYYYMMDD'T'HHMMSS'Z'), got '${amzDate}'.`);
  }
  if (!String(amzDate).startsWith(date)) {
    return fail('InvalidSignatureException', `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${String(amzDate).slice(0, 8)}'.`);
  }
  const signedHeaders = (params.get('SignedHeaders') ?? '').split(';');
  if (!signedHeaders.includes('host')) {
    return fail('InvalidSignatureException', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (!/^[0-9a-f]{64}$/.test(params.get('Signature') ?? '')) {
    return fail('InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.');
  }
  return { ok: true, accessKeyId, date, region, signedHeaders };
}

function fail(type: string, message: string): SigV4Check {
  return { ok: false, type, message };
}
