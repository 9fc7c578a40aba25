// docs/preflight.md describes the output the code really produces: every
// field of a problem, and the exit code --dry-run ends with on a problem.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/config/exit-codes.js';
import { OutboundError } from '../../src/errors/outbound-error.js';
import { problemOf } from '../../src/preflight/preflight-report.js';
import { ROOT } from '../support/root.js';

const doc = readFileSync(join(ROOT, 'docs', 'preflight.md'), 'utf8');

describe('docs/preflight.md', () => {
  it('describes every field of a problem', () => {
    const error = new OutboundError('x', { code: 'ERR_OUTBOUND_STATUS', reason: 'unauthorized', retryable: false, endpoint: 'https://h:443', fix: 'f' });
    const fields = Object.keys(problemOf('t', 'pipecat', error));
    expect(fields).toHaveLength(7);
    for (const field of fields) expect(doc).toMatch(new RegExp(`^\\| \`${field}\` \\|`, 'm'));
  });

  it('gives the exit code of a run that found a problem', () => {
    expect(doc).toMatch(new RegExp(`^\\| ${EXIT.preflightProblem} \\| a problem was found`, 'm'));
    expect(doc).toMatch(new RegExp(`^\\| ${EXIT.ok} \\| every check passed`, 'm'));
  });
});
