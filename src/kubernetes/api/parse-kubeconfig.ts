// Reads the current context of a kubeconfig (one file or a KUBECONFIG list,
// merged as kubectl does: the first file to set a name wins) into a
// connection. Only what a daemon can use unattended is accepted: a token, a
// token file or a client certificate, and a verified server certificate.
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import { ConfigError, type ConfigProblem } from '../../config/config-error.js';
import type { Clock } from '../../schedule/clock.js';
import { createFileTokenSource } from './create-file-token-source.js';
import { endpointOf } from '../../http/endpoint.js';
import type { KubeConnection } from './kube-connection.js';

type Entry = Record<string, unknown>;
interface Named {
  item: Entry;
  file: string;
}
interface Merged {
  currentContext?: string;
  contexts: Map<string, Named>;
  clusters: Map<string, Named>;
  users: Map<string, Named>;
}

const FIELD = 'KUBECONFIG';

export function parseKubeconfig(options: { paths: string[]; readText: (path: string) => string; clock: Clock }): KubeConnection {
  const problems: ConfigProblem[] = [];
  const report = (message: string) => problems.push({ field: FIELD, message });
  const merged = mergeFiles(options.paths, options.readText, report);
  if (problems.length > 0) throw new ConfigError(problems);

  const files = options.paths.join(', ');
  const name = merged.currentContext;
  if (!name) throw new ConfigError([{ field: FIELD, message: `no current-context is set in ${files}; run kubectl config use-context <name>` }]);
  const context = merged.contexts.get(name);
  if (!context) throw new ConfigError([{ field: FIELD, message: `current-context "${name}" is not among the contexts of ${files}` }]);
  const ctx = (context.item.context ?? {}) as Entry;
  const cluster = merged.clusters.get(String(ctx.cluster ?? ''));
  const user = merged.users.get(String(ctx.user ?? ''));
  if (!cluster) report(`context "${name}" names cluster "${String(ctx.cluster ?? '')}", which ${files} does not define`);
  if (!user) report(`context "${name}" names user "${String(ctx.user ?? '')}", which ${files} does not define`);
  if (!cluster || !user) throw new ConfigError(problems);

  const readFrom = (file: string) => (path: string) => options.readText(isAbsolute(path) ? path : resolve(dirname(file), path));
  const server = clusterSettings(cluster, readFrom(cluster.file), report);
  const auth = userSettings(user, readFrom(user.file), options.clock, report);
  if (problems.length > 0 || !server) throw new ConfigError(problems);
  return {
    ...server,
    ...auth,
    namespace: typeof ctx.namespace === 'string' && ctx.namespace ? ctx.namespace : undefined,
    source: `KUBECONFIG context "${name}"`,
  };
}

function mergeFiles(paths: string[], readText: (path: string) => string, report: (message: string) => void): Merged {
  const merged: Merged = { contexts: new Map(), clusters: new Map(), users: new Map() };
  for (const file of paths) {
    let doc: Entry;
    try {
      doc = (parse(readText(file)) ?? {}) as Entry;
    } catch (error) {
      const code = (error as { code?: string }).code;
      report(`${file} ${code && code.startsWith('E') ? `cannot be read (${code})` : 'is not valid YAML'}`);
      continue;
    }
    if (!merged.currentContext && typeof doc['current-context'] === 'string') merged.currentContext = doc['current-context'];
    for (const [key, map] of [['contexts', merged.contexts], ['clusters', merged.clusters], ['users', merged.users]] as const) {
      const list = Array.isArray(doc[key]) ? (doc[key] as Entry[]) : [];
      for (const item of list) if (typeof item?.name === 'string' && !map.has(item.name)) map.set(item.name, { item, file });
    }
  }
  return merged;
}

function clusterSettings(cluster: Named, read: (path: string) => string, report: (message: string) => void) {
  const where = `clusters["${String(cluster.item.name)}"].cluster`;
  const c = (cluster.item.cluster ?? {}) as Entry;
  let url: URL | undefined;
  try {
    url = new URL(String(c.server ?? ''));
  } catch {
    report(`${where}.server "${String(c.server ?? '')}" is not a URL; set it to https://<host>:<port> of the API server`);
  }
  if (url && url.protocol !== 'https:') {
    report(`${where}.server must use https (the token would travel in clear text); set it to https://${url.host}`);
  }
  if (c['insecure-skip-tls-verify'] === true) {
    report(`${where}.insecure-skip-tls-verify is refused: it would hand the registry token to anyone on the path; set certificate-authority or certificate-authority-data instead`);
  }
  const caPem = pem(c, 'certificate-authority', where, read, report);
  if (!url || url.protocol !== 'https:') return undefined;
  return {
    server: `${url.origin}${url.pathname.replace(/\/+$/, '')}`,
    endpoint: endpointOf(url),
    caPem,
    tlsServerName: typeof c['tls-server-name'] === 'string' ? c['tls-server-name'] : undefined,
  };
}

function userSettings(user: Named, read: (path: string) => string, clock: Clock, report: (message: string) => void) {
  const where = `users["${String(user.item.name)}"].user`;
  const u = (user.item.user ?? {}) as Entry;
  if (u.exec || u['auth-provider']) {
    report(`${where} uses an ${u.exec ? 'exec' : 'auth-provider'} credential plugin, which is not supported; give this user a token (for example a ServiceAccount token) or a client certificate`);
    return {};
  }
  if (typeof u.token === 'string' && u.token) {
    const token = u.token;
    return { token: () => token };
  }
  if (typeof u.tokenFile === 'string' && u.tokenFile) {
    try {
      return { token: createFileTokenSource({ path: u.tokenFile, field: FIELD, readText: read, clock }) };
    } catch (error) {
      for (const p of (error as ConfigError).problems) report(`${where}.tokenFile: ${p.message}`);
      return {};
    }
  }
  const certPem = pem(u, 'client-certificate', where, read, report);
  const keyPem = pem(u, 'client-key', where, read, report);
  if (certPem && keyPem) return { clientCertificate: { certPem, keyPem } };
  if (certPem || keyPem) report(`${where} has a client ${certPem ? 'certificate but no client-key' : 'key but no client-certificate'}; set both`);
  else report(`${where} has no token, tokenFile or client certificate; add one of them`);
  return {};
}

/** `<key>` (a file path) or `<key>-data` (base64 inline), as PEM text. */
function pem(entry: Entry, key: string, where: string, read: (path: string) => string, report: (message: string) => void): string | undefined {
  const data = entry[`${key}-data`];
  const path = entry[key];
  let text: string | undefined;
  if (typeof data === 'string' && data) text = Buffer.from(data, 'base64').toString('utf8');
  else if (typeof path === 'string' && path) {
    try {
      text = read(path);
    } catch (error) {
      report(`${where}.${key}: ${path} cannot be read (${(error as { code?: string }).code ?? 'error'})`);
      return undefined;
    }
  } else return undefined;
  if (!text.includes('-----BEGIN ')) {
    report(`${where}.${typeof data === 'string' && data ? `${key}-data is not base64 of a PEM block` : `${key}: ${String(path)} holds no PEM block`}`);
    return undefined;
  }
  return text;
}
