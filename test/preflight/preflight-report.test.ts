import { describe, expect, it } from 'vitest';
import { formatPreflightSummary } from '../../src/preflight/preflight-report.js';

describe('formatPreflightSummary', () => {
  it('says ok or PROBLEM per check with its endpoint, and puts the fix under a problem', () => {
    const text = formatPreflightSummary({
      ok: false,
      requests: [],
      problems: [],
      checks: [
        { side: 'ecr', subject: 'the default registry in us-east-1', endpoint: 'https://api.ecr.us-east-1.amazonaws.com:443', ok: true, said: 'token valid' },
        { side: 'pipecat', subject: 'ecr-pull', endpoint: 'http://127.0.0.1:9', ok: false, said: 'HTTP 401', fix: 'check PCC_API_KEY' },
      ],
    });
    expect(text.split('\n')).toEqual([
      'preflight: 1 of 2 checks found a problem; nothing was written',
      '  ok       ecr      the default registry in us-east-1 at https://api.ecr.us-east-1.amazonaws.com:443: token valid',
      '  PROBLEM  pipecat  ecr-pull at http://127.0.0.1:9: HTTP 401',
      '                    fix: check PCC_API_KEY',
      '',
    ]);
  });

  it('says when every check passed', () => {
    const text = formatPreflightSummary({ ok: true, requests: [], problems: [], checks: [{ side: 'ecr', subject: 's', ok: true, said: 'fine' }] });
    expect(text).toBe('preflight: all 1 checks passed; nothing was written\n  ok       ecr  s: fine\n');
  });
});
