// A reference for the idle daemon's memory: a bare `node` that has done only what
// the mandated libraries make any process do before its first refresh, namely load
// the Node built-ins they require at import (the AWS SDK's http, https and http2,
// undici's tls, pino's worker_threads, node-cron's child_process, prom-client's
// cluster and perf_hooks, ...) and format one date through Intl.DateTimeFormat, as
// node-cron does for every time it computes (which maps ICU's locale and time-zone
// data into memory). No code of the project or of the libraries is loaded, so the
// refresher cannot go below this on the same Node.
const BUILT_INS = [
  'assert', 'child_process', 'cluster', 'crypto', 'dgram', 'diagnostics_channel', 'dns', 'events', 'fs/promises',
  'http', 'http2', 'https', 'net', 'os', 'perf_hooks', 'stream', 'string_decoder', 'tls', 'url', 'util', 'v8',
  'worker_threads', 'zlib',
];

/** The script for `node -e`; it then waits `holdMs` (by default, until killed). */
export const idleFloorScript = (holdMs = 2 ** 31 - 1) => [
  `for (const name of ${JSON.stringify(BUILT_INS)}) require('node:' + name);`,
  "new Intl.DateTimeFormat('en-US', { timeZone: 'Etc/UTC', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short', hour12: false }).formatToParts(new Date());",
  "new Intl.DateTimeFormat('en-US', { timeZone: 'Etc/UTC', timeZoneName: 'shortOffset' }).formatToParts(new Date());",
  `setTimeout(() => {}, ${holdMs});`,
].join('\n');
