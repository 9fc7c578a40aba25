// README.md is the user's manual, read top to bottom in a few minutes: what it
// does, the two commands, a quick start, the essential settings, the ways to
// deploy it and where to read more. References live in docs/.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { markdownSection } from '../alerts/support/github-anchor.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README.md', () => {
  it('stays short enough to read in a few minutes', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(150);
  });

  it('opens with the two commands', () => {
    expect(markdownSection(readme, 'Try it')).toMatch(/```sh\nscripts\/demo .*\nscripts\/test .*\n```/);
  });

  it('has a quick start against the real services that ends in a refresh', () => {
    const quick = markdownSection(readme, 'Quick start against AWS and Pipecat Cloud');
    for (const text of ['AWS_REGION', 'PCC_API_KEY_FILE', 'PCC_SECRET_SET', '--dry-run', '--once', 'image_credentials']) expect(quick).toContain(text);
  });

  it('keeps configuration to a short table and a link to the reference', () => {
    const section = markdownSection(readme, 'Configuration');
    const rows = section.split('\n').filter((line) => /^\| `[A-Z_]+`/.test(line));
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.length).toBeLessThanOrEqual(10);
    expect(section).toContain('(docs/configuration.md)');
  });

  it('offers only the deployments that exist, each with its page', () => {
    const section = markdownSection(readme, 'Deploying it');
    for (const link of ['(docs/kubernetes.md)', '(docs/kubernetes.md#deployment-or-cronjob)', '(docs/container.md)']) expect(section).toContain(link);
    expect(section).not.toMatch(/coming soon|TODO|TBD|planned/i);
  });

  it('carries no developer notes or internal scorecards', () => {
    expect(readme).not.toMatch(/checked against|test suite checks|this table is/i);
    expect(readme).not.toMatch(/\|\s*(FAIL|PASS)\s*\|/);
  });
});
