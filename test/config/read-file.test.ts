import { describe, expect, it } from 'vitest';
import { findJsonError } from '../../src/config/read-file.js';

describe('findJsonError', () => {
  it.each(['{}', '[]', '{"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"]}', ' {"a": {"b": []}} \n'])(
    'finds nothing wrong in %j',
    (text) => {
      expect(findJsonError(text)).toBeUndefined();
    },
  );

  it('points at the start of a misspelt literal', () => {
    expect(findJsonError('{"a": tru}')).toEqual({ offset: 6, expected: '`true`' });
  });

  it('points at a trailing comma', () => {
    expect(findJsonError('{"a": 1,}')).toEqual({ offset: 8, expected: 'a double-quoted string' });
  });

  it('points at a missing colon', () => {
    expect(findJsonError('{"a" 1}')).toEqual({ offset: 5, expected: '`:` after the key' });
  });

  it('points at the end of a truncated file', () => {
    expect(findJsonError('{"a": [1, 2')).toEqual({ offset: 11, expected: '`,` or `]`' });
  });

  it('points at content after the value', () => {
    expect(findJsonError('{} x')).toEqual({ offset: 3, expected: 'the end of the file' });
  });
});
