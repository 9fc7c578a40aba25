// Finds the Pipecat Cloud API key: PCC_API_KEY, or a file named by
// PCC_API_KEY_FILE or the config file's apiKeyFile. Messages name where the key
// was looked for, never what it is.
import type { ConfigProblem } from './config-error.js';
import type { EnvReader } from './read-env.js';

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
    let content: string;
    try {
      content = readFile(keyFile.path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException)?.code ?? 'read error';
      problems.push({
        field: keyFile.field,
        message: `cannot read ${JSON.stringify(keyFile.path)} (${code}): check that the file exists, is mounted and readable`,
      });
      return { problems };
    }
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
