// The Pushgateway's address and basic auth. Credentials come from the file
// PUSHGATEWAY_AUTH_FILE names (`user:password`, like curl's --user) or from
// the URL's own user:password@; either way they leave the URL, so the URL the
// rest of the program holds can be logged, and they go out only in an
// Authorization header, never over plain http to another machine. Messages
// name the setting, never what the file or the URL's credentials hold.
import type { ConfigProblem } from './config-error.js';
import type { BasicAuth } from './config.js';
import { isLoopbackHost } from './is-loopback-host.js';

export interface PushgatewayAuthOptions {
  /** PUSHGATEWAY_URL as read (a valid http(s) URL), with any credentials still in it. */
  url?: string;
  /** The env var or file key the URL came from. */
  urlField: string;
  /** PUSHGATEWAY_URL was given but refused (its own problem is already reported). */
  urlRefused?: boolean;
  authFile?: string;
  authFileField: string;
  readFile: (path: string) => string;
}

export function readPushgatewayAuth(options: PushgatewayAuthOptions): { url?: string; auth?: BasicAuth; problems: ConfigProblem[] } {
  const { urlField, authFileField } = options;
  const problems: ConfigProblem[] = [];
  if (options.url === undefined) {
    if (options.authFile !== undefined && !options.urlRefused) {
      problems.push({ field: authFileField, message: 'is set but PUSHGATEWAY_URL is not: set the Pushgateway URL too, or remove it' });
    }
    return { problems };
  }
  const url = new URL(options.url);
  const inUrl = url.username !== '' || url.password !== '';
  let auth: BasicAuth | undefined;
  if (inUrl) auth = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  url.username = '';
  url.password = '';
  const clean = inUrl ? url.toString().replace(/\/+$/, '') : options.url;

  if (options.authFile !== undefined) {
    if (inUrl) {
      problems.push({ field: urlField, message: `holds user:password and ${authFileField} is set too: give the credentials one way only (the file keeps them out of the environment)` });
      return { url: clean, problems };
    }
    auth = readAuthFile(options.authFile, authFileField, options.readFile, problems);
  }
  if (auth && url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    problems.push({ field: urlField, message: `must use https when the Pushgateway needs basic auth (the password would travel in clear text); set it to https://${url.host}${url.pathname.replace(/\/+$/, '')}` });
  }
  return { url: clean, ...(auth && { auth }), problems };
}

function readAuthFile(path: string, field: string, readFile: (path: string) => string, problems: ConfigProblem[]): BasicAuth | undefined {
  let content: string;
  try {
    content = readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException)?.code ?? 'read error';
    problems.push({ field, message: `cannot read ${JSON.stringify(path)} (${code}): check that the file exists, is mounted and readable` });
    return undefined;
  }
  const line = content.replace(/\r?\n$/, '');
  const colon = line.indexOf(':');
  if (/[\r\n]/.test(line) || colon <= 0 || colon === line.length - 1) {
    problems.push({ field, message: `${JSON.stringify(path)} must hold one line, user:password (a user name, a colon, a password), with at most one trailing newline` });
    return undefined;
  }
  return { username: line.slice(0, colon), password: line.slice(colon + 1) };
}
