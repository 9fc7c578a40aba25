// What the bundle gets for `import ... from 'undici'`: `request`, `Agent` and `EnvHttpProxyAgent`,
// the only undici values the program uses, without the rest of undici's index (fetch, WebSocket, caches,
// mocks: a third of the bundle, evaluated at every start and held in memory for nothing). Tests and
// type checking use the real package; importing any other value from 'undici' in src/ fails the
// build here ("No matching export"), which is the cue to add it below.
import Agent from 'undici/lib/dispatcher/agent.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import EnvHttpProxyAgent from 'undici/lib/dispatcher/env-http-proxy-agent.js';
import api from 'undici/lib/api/index.js';
import globalDispatcher from 'undici/lib/global.js';

// undici's index gives every dispatcher its request/stream/pipeline methods this way.
Object.assign(Dispatcher.prototype, api);

/** undici's `request(url, options)`: the URL's origin and path, on the given or the global dispatcher. */
export function request(url, options = {}) {
  const target = url instanceof URL ? url : new URL(url);
  const { dispatcher = globalDispatcher.getGlobalDispatcher(), ...rest } = options;
  return dispatcher.request({
    ...rest,
    origin: target.origin,
    path: `${target.pathname}${target.search}`,
    method: rest.method ?? (rest.body ? 'PUT' : 'GET'),
  });
}

export { Agent, EnvHttpProxyAgent };
