// Validates a PUT /v1/secrets/{setName} body against the two documented
// shapes, refusing unknown fields and wrong types as the platform does.
// Stricter than the platform on one point: a non-base64 image pull
// secretValue is refused here at once, where the platform accepts it and
// image pulls fail later with "illegal base64 data"; a refresher bug that
// sends one should be loud in tests.
export type SecretBody =
  | { kind: 'secret'; secrets: [key: string, value: string][]; region?: string }
  | { kind: 'imagePullSecret'; host: string; secretValue: string; region?: string };

export type ParsedSecretBody = { ok: true; body: SecretBody } | { ok: false; message: string };

export const SECRET_KEY_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const IMAGE_PULL_FIELDS_MESSAGE = 'Must provide isImagePullSecret, host, and secretValue to update an image pull secret';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const INVALID = 'Invalid request format';

export function parseSecretBody(text: string): ParsedSecretBody {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return bad(`${INVALID}: body is not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad(`${INVALID}: body must be a JSON object`);
  const body = value as Record<string, unknown>;
  if (body.region !== undefined && typeof body.region !== 'string') return bad(`${INVALID}: region must be a string`);
  const region = body.region as string | undefined;
  if ('isImagePullSecret' in body) return parseImagePull(body, region);
  if ('secrets' in body) return parseRegular(body, region);
  return bad(`${INVALID}: expected {secrets:[{secretKey, secretValue}]} or {isImagePullSecret:true, host, secretValue}`);
}

function parseImagePull(body: Record<string, unknown>, region: string | undefined): ParsedSecretBody {
  const unknown = Object.keys(body).filter((key) => !['isImagePullSecret', 'host', 'secretValue', 'region'].includes(key));
  if (unknown.length > 0) return bad(`${INVALID}: unknown field(s) ${unknown.join(', ')}`);
  const { isImagePullSecret, host, secretValue } = body;
  if (isImagePullSecret !== true || typeof host !== 'string' || typeof secretValue !== 'string' || host === '' || secretValue === '') {
    return bad(IMAGE_PULL_FIELDS_MESSAGE);
  }
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    return bad(`${INVALID}: host must be a URI`);
  }
  if (url.hostname === '' || /\s/.test(host)) return bad(`${INVALID}: host must be a URI`);
  if (!BASE64.test(secretValue)) return bad(`${INVALID}: secretValue must be base64 (illegal base64 data)`);
  return { ok: true, body: { kind: 'imagePullSecret', host: host.endsWith('/') ? host : `${host}/`, secretValue, region } };
}

function parseRegular(body: Record<string, unknown>, region: string | undefined): ParsedSecretBody {
  const unknown = Object.keys(body).filter((key) => !['secrets', 'region'].includes(key));
  if (unknown.length > 0) return bad(`${INVALID}: unknown field(s) ${unknown.join(', ')}`);
  if (!Array.isArray(body.secrets) || body.secrets.length === 0) return bad(`${INVALID}: secrets must be a non-empty array`);
  const secrets: [string, string][] = [];
  for (const [index, item] of body.secrets.entries()) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return bad(`${INVALID}: secrets[${index}] must be an object`);
    const entry = item as Record<string, unknown>;
    const extra = Object.keys(entry).filter((key) => key !== 'secretKey' && key !== 'secretValue');
    if (extra.length > 0) return bad(`${INVALID}: secrets[${index}] has unknown field(s) ${extra.join(', ')}`);
    if (typeof entry.secretKey !== 'string' || typeof entry.secretValue !== 'string') {
      return bad(`${INVALID}: secrets[${index}] needs string secretKey and secretValue`);
    }
    if (!SECRET_KEY_PATTERN.test(entry.secretKey)) {
      return bad(`${INVALID}: secret key '${entry.secretKey}' must match [A-Za-z0-9_-]{1,64}`);
    }
    secrets.push([entry.secretKey, entry.secretValue]);
  }
  return { ok: true, body: { kind: 'secret', secrets, region } };
}

function bad(message: string): ParsedSecretBody {
  return { ok: false, message };
}
