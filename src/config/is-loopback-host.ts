// The hosts whose plain http:// never leaves this machine (the local
// stand-ins, a sidecar): the one exception to "credentials only over https".
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** `hostname` as URL gives it (IPv6 in brackets). */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname);
}
