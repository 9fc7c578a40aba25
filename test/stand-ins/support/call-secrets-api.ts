// One undici request to a secrets API stand-in, answered as status, headers
// and parsed JSON (or the raw text when the body is not JSON).
import { request, type Dispatcher } from 'undici';

export interface ApiReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  // Replies are checked field by field, so the parsed body stays loosely typed.
  json: any;
  text: string;
}

export async function callSecretsApi(
  baseUrl: string,
  method: Dispatcher.HttpMethod,
  path: string,
  options: { body?: unknown; apiKey?: string | null; headers?: Record<string, string> } = {},
): Promise<ApiReply> {
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const response = await request(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(options.apiKey === null ? {} : { authorization: `Bearer ${options.apiKey ?? 'pk_test_standin'}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body,
  });
  const text = await response.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, headers: response.headers, json, text };
}
