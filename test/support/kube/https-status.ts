// One HTTPS GET against the test API server with its CA and a bearer token; resolves to the
// status code and body, or rejects with the connection error (used to wait for /readyz).
import { request } from 'node:https';

export function httpsStatus(url: string, options: { caPem: string; token?: string; timeoutMs?: number }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        ca: options.caPem,
        headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
        timeout: options.timeoutMs ?? 5_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.once('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.once('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.once('error', reject);
    req.end();
  });
}
