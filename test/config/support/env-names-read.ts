// The env var names loadConfig really looks at, recorded through a Proxy on
// the env it is given, so the schema and --help can be checked against the
// code rather than against themselves.
import { loadConfig } from '../../../src/config/load-config.js';

export function envNamesRead(env: Record<string, string> = {}, files: Record<string, string> = {}, configFile?: string): Set<string> {
  const names = new Set<string>();
  const recording = new Proxy(env, {
    get(target, name) {
      if (typeof name === 'string') names.add(name);
      return target[name as string];
    },
  });
  try {
    loadConfig({
      env: recording,
      configFile,
      readFile: (path) => {
        if (files[path] === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
        return files[path];
      },
    });
  } catch {
    // Problems are expected: an empty env makes every lookup happen.
  }
  return names;
}
