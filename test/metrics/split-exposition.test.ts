import { describe, expect, it } from 'vitest';
import { splitExposition } from '../../src/metrics/split-exposition.js';

const text = `# HELP a_seconds A.
# TYPE a_seconds gauge
a_seconds{secret_set="one",registry="default/us-east-1"} 1
a_seconds{secret_set="two",registry="default/us-east-1"} 2
# HELP b_total B.
# TYPE b_total counter
b_total{operation="put",status="202"} 5
`;

describe('splitExposition', () => {
  it('puts each label value in a group of its own, with HELP and TYPE, and the rest in ""', () => {
    const groups = splitExposition(text, 'secret_set');
    expect([...groups.keys()].sort()).toEqual(['', 'one', 'two']);
    expect(groups.get('one')).toBe('# HELP a_seconds A.\n# TYPE a_seconds gauge\na_seconds{secret_set="one",registry="default/us-east-1"} 1\n');
    expect(groups.get('')).toContain('b_total{operation="put",status="202"} 5');
    expect(groups.get('')).not.toContain('a_seconds');
  });
});
