// The Pushgateway's basic auth: read from PUSHGATEWAY_AUTH_FILE or moved out of
// user:password@ in PUSHGATEWAY_URL, so the URL the program holds (and logs)
// has no credentials; every refusal names the setting and never the password.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';
import { configProblems } from './support/config-problems.js';

const BASE_ENV = { PCC_API_KEY: 'pk_live_3f9a0c1d2e4b5a6978', PCC_SECRET_SET: 'ecr-prod', AWS_REGION: 'us-east-1' };
const PASSWORD = 'gw-pass-9a8b7c6d5e4f';

function load(env: Record<string, string>, files: Record<string, string> = {}, configFile?: string) {
  return loadConfig({
    env: { ...BASE_ENV, ...env },
    configFile,
    readFile: (path) => {
      if (files[path] === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return files[path]!;
    },
  });
}

function messages(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

describe('Pushgateway basic auth', () => {
  it('reads user:password from PUSHGATEWAY_AUTH_FILE, one trailing newline ignored', () => {
    const config = load({ PUSHGATEWAY_URL: 'https://pgw.example/', PUSHGATEWAY_AUTH_FILE: '/run/pgw' }, { '/run/pgw': `refresher:${PASSWORD}\n` });
    expect(config.pushgatewayAuth).toEqual({ username: 'refresher', password: PASSWORD });
    expect(config.pushgatewayUrl).toBe('https://pgw.example/');
  });

  it('keeps a colon inside the password', () => {
    const config = load({ PUSHGATEWAY_URL: 'https://pgw.example', PUSHGATEWAY_AUTH_FILE: '/run/pgw' }, { '/run/pgw': 'refresher:a:b:c-long-enough' });
    expect(config.pushgatewayAuth).toEqual({ username: 'refresher', password: 'a:b:c-long-enough' });
  });

  it('takes pushgatewayAuthFile from the config file', () => {
    const files = { 'c.yaml': 'pushgatewayUrl: https://pgw.example\npushgatewayAuthFile: /run/pgw\n', '/run/pgw': `refresher:${PASSWORD}` };
    expect(load({}, files, 'c.yaml').pushgatewayAuth).toEqual({ username: 'refresher', password: PASSWORD });
  });

  it('moves user:password@ out of PUSHGATEWAY_URL, percent-decoded', () => {
    const config = load({ PUSHGATEWAY_URL: `https://refresher:${PASSWORD}%40x@pgw.example:9091/base/` });
    expect(config.pushgatewayAuth).toEqual({ username: 'refresher', password: `${PASSWORD}@x` });
    expect(config.pushgatewayUrl).toBe('https://pgw.example:9091/base');
    expect(JSON.stringify(config)).not.toContain(`${PASSWORD}%40x@`);
  });

  it('leaves a URL without credentials exactly as given, with no auth', () => {
    const config = load({ PUSHGATEWAY_URL: 'http://pushgateway.monitoring:9091' });
    expect(config.pushgatewayUrl).toBe('http://pushgateway.monitoring:9091');
    expect(config).not.toHaveProperty('pushgatewayAuth');
  });

  it('refuses basic auth over plain http to another machine, without echoing the password', () => {
    const message = messages(() => load({ PUSHGATEWAY_URL: `http://refresher:${PASSWORD}@pushgateway.monitoring:9091` }));
    expect(message).toContain(
      'PUSHGATEWAY_URL: must use https when the Pushgateway needs basic auth (the password would travel in clear text); set it to https://pushgateway.monitoring:9091',
    );
    expect(message).not.toContain(PASSWORD);
  });

  it('allows basic auth over http to loopback (a sidecar, the tests)', () => {
    expect(load({ PUSHGATEWAY_URL: `http://refresher:${PASSWORD}@127.0.0.1:9091` }).pushgatewayUrl).toBe('http://127.0.0.1:9091');
  });

  it('refuses credentials given both in the URL and in a file', () => {
    const problems = configProblems(() =>
      load({ PUSHGATEWAY_URL: `https://refresher:${PASSWORD}@pgw.example`, PUSHGATEWAY_AUTH_FILE: '/run/pgw' }, { '/run/pgw': `refresher:${PASSWORD}` }),
    );
    expect(problems).toEqual([{ field: 'PUSHGATEWAY_URL', message: expect.stringMatching(/^holds user:password and PUSHGATEWAY_AUTH_FILE is set too: give the credentials one way only/) }]);
  });

  it.each([
    ['no colon', PASSWORD],
    ['no user', `:${PASSWORD}`],
    ['no password', 'refresher:'],
    ['two lines', `refresher:${PASSWORD}\nsecond:line`],
  ])('refuses an auth file with %s, naming the file and not its content', (_, content) => {
    const message = messages(() => load({ PUSHGATEWAY_URL: 'https://pgw.example', PUSHGATEWAY_AUTH_FILE: '/run/pgw' }, { '/run/pgw': content }));
    expect(message).toContain('PUSHGATEWAY_AUTH_FILE: "/run/pgw" must hold one line, user:password');
    expect(message).not.toContain(PASSWORD);
  });

  it('refuses an auth file that cannot be read', () => {
    expect(configProblems(() => load({ PUSHGATEWAY_URL: 'https://pgw.example', PUSHGATEWAY_AUTH_FILE: '/nope' }))).toEqual([
      { field: 'PUSHGATEWAY_AUTH_FILE', message: 'cannot read "/nope" (ENOENT): check that the file exists, is mounted and readable' },
    ]);
  });

  it('refuses an auth file without a Pushgateway URL', () => {
    expect(configProblems(() => load({ PUSHGATEWAY_AUTH_FILE: '/run/pgw' }, { '/run/pgw': `refresher:${PASSWORD}` }))).toEqual([
      { field: 'PUSHGATEWAY_AUTH_FILE', message: 'is set but PUSHGATEWAY_URL is not: set the Pushgateway URL too, or remove it' },
    ]);
  });

  it('reports only the URL when the URL itself is refused', () => {
    const problems = configProblems(() => load({ PUSHGATEWAY_URL: 'pgw.example:9091', PUSHGATEWAY_AUTH_FILE: '/run/pgw' }, { '/run/pgw': `refresher:${PASSWORD}` }));
    expect(problems.map((p) => p.field)).toEqual(['PUSHGATEWAY_URL']);
  });
});
