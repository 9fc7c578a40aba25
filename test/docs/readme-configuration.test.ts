import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TARGET_ENV } from '../../src/config/load-targets.js';
import { helpText } from '../../src/config/help-text.js';
import { SETTINGS } from '../../src/config/settings.js';
import { renderSettingsTable } from '../../scripts/render-settings-table.js';

const section = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');

describe('docs/configuration.md', () => {
  it('shows the settings table exactly as the code defines names, keys and defaults', () => {
    expect(section).toContain(renderSettingsTable());
  });

  it('documents every single-target variable and the key variables', () => {
    for (const name of [...Object.values(TARGET_ENV), 'PCC_API_KEY', 'PCC_API_KEY_FILE', 'AWS_REGION']) {
      expect(section).toContain(`| \`${name}\``);
    }
  });

  it('agrees with --help on every variable', () => {
    const help = helpText('0.0.0');
    for (const setting of SETTINGS) expect(help).toContain(setting.env);
    for (const name of Object.values(TARGET_ENV)) expect(help).toContain(name);
  });
});
