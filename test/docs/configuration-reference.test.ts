// docs/configuration.md: its tables are the ones the settings schema renders,
// the schema names every env var the loader reads, and the README points at it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOC_FILE, withCurrentTables } from '../../scripts/render-settings-table.js';
import { SCHEMA_ENV_NAMES, SCHEMA_FILE_KEYS, SETTING_SCHEMA } from '../../src/config/schema.js';
import { envNamesRead } from '../config/support/env-names-read.js';

const doc = readFileSync(DOC_FILE, 'utf8');
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('configuration reference', () => {
  it('holds exactly the tables the schema renders (run scripts/render-settings-table.ts --write)', () => {
    expect(doc).toBe(withCurrentTables(doc));
  });

  it('notices a table edited by hand', () => {
    const edited = doc.replace('| `REFRESH_MARGIN` | `refreshMargin` | `4h` |', '| `REFRESH_MARGIN` | `refreshMargin` | `5h` |');
    expect(edited).not.toBe(doc);
    expect(withCurrentTables(edited)).not.toBe(edited);
  });

  it('documents every env var the loader reads, and none it does not', () => {
    const read = envNamesRead();
    const validated = SETTING_SCHEMA.filter((e) => e.group !== 'others').flatMap((e) => [e.env!, ...(e.aliases ?? [])]);
    expect([...read].sort()).toEqual([...validated].sort());
    for (const name of read) expect(doc, name).toContain(`\`${name}\``);
  });

  it('documents every file key, with targets keys under targets[]', () => {
    for (const key of SCHEMA_FILE_KEYS) expect(doc, key).toContain(`\`${key}\``);
    expect(SCHEMA_FILE_KEYS).toEqual(expect.arrayContaining(['apiKeyFile', 'awsRegion', 'targets[].secretSet', 'refreshMargin']));
  });

  it('names each env var once in the schema', () => {
    expect(new Set(SCHEMA_ENV_NAMES).size).toBe(SCHEMA_ENV_NAMES.length);
  });

  it('is linked from the README configuration section', () => {
    const start = readme.indexOf('## Configuration');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 5));
    expect(section).toContain('(docs/configuration.md)');
  });
});
