// The endpoint of a URL, as every error, log line and --dry-run report names a
// remote side: scheme://host:port and nothing else of it — never a path (a
// webhook's path is its credential), a query string or user:password. The port
// is always spelled out for http and https, so two spellings of one server
// (`https://h` and `https://h:443`) read the same; IPv6 hosts stay bracketed.
export function endpointOf(url: string | URL): string {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  const port = parsed.port || DEFAULT_PORTS[parsed.protocol] || '';
  return `${parsed.protocol}//${parsed.hostname}${port ? `:${port}` : ''}`;
}

const DEFAULT_PORTS: Record<string, string> = { 'https:': '443', 'http:': '80' };
