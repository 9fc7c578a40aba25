// The credentials settings point at: the Pipecat Cloud API key (PCC_API_KEY,
// or a file named by PCC_API_KEY_FILE or the config file's apiKeyFile) and the
// Pushgateway's basic auth (the file PUSHGATEWAY_AUTH_FILE names, `user:password`
// like curl's --user, or the URL's own user:password@). Pushgateway
// credentials leave the URL, so the URL the rest of the program holds can be
// logged; they go out only in an Authorization header, never over plain http
// to another machine. Messages name where a credential was looked for, never
// what it is.
import type { ConfigProblem } from './config-error.js';
import type { BasicAuth } from './config.js';
import { readNamedFile } from './read-file.js';
import type { EnvReader } from './read-settings.js';
import { isLoopbackHost } from './validate.js';

export interface ReadApiKeyOptions {
  env: EnvReader;
  /** apiKeyFile from the config file, unchecked. */
  fileSetting: unknown;
  readFile: (path: string) => string;
}

export function readApiKey({ env, fileSetting, readFile }: ReadApiKeyOptions): { apiKey?: string; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const direct = env.get('PCC_API_KEY');
  const envFile = env.get('PCC_API_KEY_FILE')?.trim();
  let keyFile: { path: string; field: string } | undefined;
  if (envFile !== undefined) keyFile = { path: envFile, field: 'PCC_API_KEY_FILE' };
  else if (fileSetting !== undefined && fileSetting !== null) {
    if (typeof fileSetting !== 'string' || fileSetting.trim() === '') {
      return { problems: [{ field: 'apiKeyFile', message: 'must be a file path string, like /var/run/secrets/pipecat/api-key' }] };
    }
    keyFile = { path: fileSetting.trim(), field: 'apiKeyFile' };
  }

  if (direct !== undefined && keyFile) {
    const other = keyFile.field === 'apiKeyFile' ? 'apiKeyFile in the config file' : 'PCC_API_KEY_FILE';
    problems.push({ field: 'PCC_API_KEY', message: `both PCC_API_KEY and ${other} are set: give the key one way only` });
    return { problems };
  }

  if (keyFile) {
    const content = readNamedFile(keyFile, readFile, problems);
    if (content === undefined) return { problems };
    const key = checkKey(content, `${JSON.stringify(keyFile.path)}`, 'the file must hold only the key', problems, keyFile.field);
    return { apiKey: key, problems };
  }

  if (direct === undefined) {
    problems.push({
      field: 'PCC_API_KEY',
      message: `${env.isBlank('PCC_API_KEY') ? 'is empty' : 'no API key'}: set PCC_API_KEY or PCC_API_KEY_FILE (or apiKeyFile in the config file) to your Pipecat Cloud private API key`,
    });
    return { problems };
  }
  return { apiKey: checkKey(direct, 'the value', 'set only the key', problems, 'PCC_API_KEY'), problems };
}

/** The key without its trailing newline, or undefined after recording what is wrong with it. */
function checkKey(raw: string, what: string, fix: string, problems: ConfigProblem[], field: string): string | undefined {
  const key = raw.replace(/\r?\n$/, '');
  if (key.trim() === '') {
    problems.push({ field, message: `${what} is empty: put your Pipecat Cloud private API key there` });
    return undefined;
  }
  if (/\s/.test(key)) {
    problems.push({ field, message: `${what} has whitespace or a line break in the key: ${fix}, with at most one trailing newline` });
    return undefined;
  }
  return key;
}

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
  const content = readNamedFile({ path, field }, readFile, problems);
  if (content === undefined) return undefined;
  const line = content.replace(/\r?\n$/, '');
  const colon = line.indexOf(':');
  if (/[\r\n]/.test(line) || colon <= 0 || colon === line.length - 1) {
    problems.push({ field, message: `${JSON.stringify(path)} must hold one line, user:password (a user name, a colon, a password), with at most one trailing newline` });
    return undefined;
  }
  return { username: line.slice(0, colon), password: line.slice(colon + 1) };
}
