// Prints the README's "Behaviour" settings table from the settings the code
// validates, so the documented defaults are the real ones. The README test
// compares the two; run this to refresh the table after changing a setting.
import { SETTINGS } from '../src/config/settings.js';

export function renderSettingsTable(): string {
  return SETTINGS.map((s) => `| \`${s.env}\` | \`${s.key}\` | ${s.default === undefined ? '' : `\`${s.default}\``} | ${s.help} |`).join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${renderSettingsTable()}\n`);
