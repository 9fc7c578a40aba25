import { describe, expect, it } from 'vitest';
import { endpointOf } from '../../src/http/endpoint.js';

describe('endpointOf', () => {
  it('names an endpoint by scheme, host and port only, never its path, query or credentials', () => {
    expect(endpointOf('https://api.pipecat.daily.co/v1')).toBe('https://api.pipecat.daily.co:443');
    expect(endpointOf('http://user:pass@127.0.0.1:9091/push?token=abc')).toBe('http://127.0.0.1:9091');
    expect(endpointOf('https://hooks.example.test/services/T000/B000/XXXX')).toBe('https://hooks.example.test:443');
  });

  it('spells the default port out, so two spellings of one server read the same', () => {
    expect(endpointOf('https://10.0.0.1')).toBe(endpointOf('https://10.0.0.1:443'));
    expect(endpointOf(new URL('http://kube.example.test/prefix'))).toBe('http://kube.example.test:80');
  });

  it('keeps an IPv6 host bracketed, with its port', () => {
    expect(endpointOf('http://[::1]/x')).toBe('http://[::1]:80');
    expect(endpointOf('https://[fd00::1]:6443')).toBe('https://[fd00::1]:6443');
  });

  it('invents no port for a scheme without a known default', () => {
    expect(endpointOf('unix://socket.example.test/run')).toBe('unix://socket.example.test');
  });
});
