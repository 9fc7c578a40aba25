// PCC_API_URL carries the bearer key and the registry token: a plain http://
// URL is a configuration error naming the setting and the fix, except for the
// loopback hosts the local stand-ins listen on.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { configProblems } from '../config/support/config-problems.js';

const BASE_ENV = { PCC_API_KEY: 'pk_live_3f9a0c1d2e4b5a6978', PCC_SECRET_SET: 'ecr-prod', AWS_REGION: 'us-east-1' };

function load(env: Record<string, string>, files: Record<string, string> = {}, configFile?: string) {
  return loadConfig({
    env,
    configFile,
    readFile: (path) => {
      if (files[path] === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return files[path]!;
    },
  });
}

describe('PCC_API_URL must use https', () => {
  it('refuses http:// to a remote host, naming the env var and the https URL to use', () => {
    const problems = configProblems(() => load({ ...BASE_ENV, PCC_API_URL: 'http://api.pipecat.daily.co/v1' }));
    expect(problems).toEqual([
      {
        field: 'PCC_API_URL',
        message: 'must use https (the API key and the token would travel in clear text); set it to https://api.pipecat.daily.co/v1',
      },
    ]);
  });

  it('refuses http:// given as apiUrl in the config file, naming the file key', () => {
    const problems = configProblems(() => load(BASE_ENV, { 'c.yaml': 'apiUrl: http://pcc.internal.example:8080/v1/\n' }, 'c.yaml'));
    expect(problems).toEqual([
      { field: 'apiUrl', message: expect.stringMatching(/^must use https .*set it to https:\/\/pcc\.internal\.example:8080\/v1$/) },
    ]);
  });

  it.each(['http://127.0.0.1:8080/v1', 'http://localhost:8080/v1', 'http://[::1]:8080/v1'])('accepts loopback %s for the local stand-ins', (url) => {
    expect(load({ ...BASE_ENV, PCC_API_URL: url }).apiUrl).toBe(url);
  });

  it('accepts https:// anywhere', () => {
    expect(load({ ...BASE_ENV, PCC_API_URL: 'https://pcc.internal.example/v1/' }).apiUrl).toBe('https://pcc.internal.example/v1');
  });

  it('does not take a remote host dressed up as loopback', () => {
    for (const url of ['http://127.0.0.1.example.com/v1', 'http://localhost.example.com/v1']) {
      expect(configProblems(() => load({ ...BASE_ENV, PCC_API_URL: url }))).toMatchObject([{ field: 'PCC_API_URL' }]);
    }
  });
});
