// The --help text. Every setting line is rendered from the settings schema,
// so the names and defaults shown are the ones loadConfig applies.
import { EXIT, EXIT_MEANINGS } from './exit-codes.js';
import { SETTING_GROUPS, SETTING_SCHEMA, type SchemaEntry } from './schema.js';

/** `NAME (default)`, `NAME (required)` or `NAME`. */
export function helpLabel(entry: SchemaEntry): string {
  const fallback = entry.default ?? (entry.required ? 'required' : undefined);
  const name = entry.env ?? entry.keys[0]!;
  return fallback === undefined ? name : `${name} (${fallback})`;
}

function settingLines(): string {
  const entries = SETTING_SCHEMA.filter((e) => e.group !== 'others');
  // Long defaults (paths) overflow the column rather than widen it for all.
  const width = Math.min(40, Math.max(...entries.map((e) => helpLabel(e).length)));
  const lines: string[] = [];
  for (const [group, title] of Object.entries(SETTING_GROUPS)) {
    if (group === 'others') continue;
    lines.push(`${title}:`);
    for (const entry of entries.filter((e) => e.group === group)) {
      const file = entry.keys.length === 0 ? 'not in the file' : `file: ${entry.keys.join(', ')}`;
      lines.push(`  ${helpLabel(entry).padEnd(width)}  ${file}\n      ${entry.help}`);
    }
  }
  return lines.join('\n');
}

/** The names read by the AWS SDK and the HTTP client, wrapped to fit a terminal. */
function otherNames(): string {
  const names = SETTING_SCHEMA.filter((e) => e.group === 'others').flatMap((e) => [e.env!, ...(e.aliases ?? [])]);
  const lines = [''];
  for (const name of names) {
    const last = lines.length - 1;
    if (lines[last]!.length + name.length > 80) lines.push('');
    lines[lines.length - 1] += `${lines[lines.length - 1] === '' ? '' : ', '}${name}`;
  }
  return lines.join(',\n  ');
}

function exitCodeLines(): string {
  return (Object.keys(EXIT) as (keyof typeof EXIT)[]).map((name) => `  ${EXIT[name]}  ${EXIT_MEANINGS[name]}`).join('\n');
}

export function helpText(version: string): string {
  const table = settingLines();
  return `ecr-token-refresher ${version}
Keeps AWS ECR registry credentials fresh in Pipecat Cloud image pull secrets.

Usage: ecr-token-refresher [--once] [--dry-run] [--config FILE] [--help] [--version]

Options:
  --once               run one refresh cycle, then exit
  --dry-run            preflight: check ECR and every target's destination, print each
                       problem with its fix (stderr) and the redacted requests (stdout);
                       write nothing
  -c, --config FILE    YAML or JSON config file (settings and a \`targets:\` list)
  -h, --help           show this help
  --version            print the version

Environment (one target; for several, list \`targets:\` in the config file).
Env vars win over the config file's settings; an empty env var counts as unset.
NAME (default):
${table}

Durations: 500ms, 90s, 5m, 4h, 1h30m, 1d.

Also read, by the AWS SDK (with its credential chain) and the HTTP client:
  ${otherNames()}.

Exit codes:
${exitCodeLines()}
`;
}
