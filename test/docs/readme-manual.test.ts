// README.md is the user's manual: what it tells a user to type and set must be
// true of the product — the two commands, a quick start that uses real
// settings, a settings table whose names and defaults are the schema's, and a
// page for each way to deploy it. References live in docs/.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTING_SCHEMA } from '../../src/config/setting-schema.js';
import { markdownSection } from '../alerts/support/github-anchor.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README.md', () => {
  it('opens with the two commands', () => {
    expect(markdownSection(readme, 'Try it')).toMatch(/```sh\nscripts\/demo .*\nscripts\/test .*\n```/);
  });

  it('has a quick start against the real services that ends in a refresh', () => {
    const quick = markdownSection(readme, 'Quick start against AWS and Pipecat Cloud');
    for (const text of ['AWS_REGION', 'PCC_API_KEY_FILE', 'PCC_SECRET_SET', '--dry-run', '--once', 'image_credentials']) expect(quick).toContain(text);
  });

  it('lists settings by their real names and defaults, and links the reference', () => {
    const section = markdownSection(readme, 'Configuration');
    const rows = [...section.matchAll(/^\| `([A-Z0-9_]+)` \|([^|]*)\|/gm)].map((m) => ({ env: m[1]!, documented: m[2]!.trim() }));
    expect(rows.length).toBeGreaterThan(0);
    for (const { env, documented } of rows) {
      const entry = SETTING_SCHEMA.find((e) => e.env === env);
      expect(entry, `${env} is not a setting`).toBeDefined();
      // A default written as code is the value the product uses.
      const quoted = /^`([^`]*)`$/.exec(documented)?.[1];
      if (quoted !== undefined) expect(quoted, env).toBe(entry!.default);
    }
    expect(section).toContain('(docs/configuration.md)');
  });

  it('links each way to deploy it to its page', () => {
    const section = markdownSection(readme, 'Deploying it');
    for (const link of ['(docs/kubernetes.md)', '(docs/kubernetes.md#deployment-or-cronjob)', '(docs/container.md)']) expect(section).toContain(link);
  });
});
