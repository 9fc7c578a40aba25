// The keys the config file accepts at its top level, from the settings schema,
// and advice for keys that belong elsewhere (an env var name written as a key,
// a target key at the top level, the API key itself).
import { SETTING_SCHEMA } from './setting-schema.js';
import { TARGET_SETTINGS } from './target-settings.js';

const KEY_ADVICE = 'keep the key out of the config file: use PCC_API_KEY or apiKeyFile';

/** Top-level file keys (the first segment of every schema key), behaviour settings first, `targets` last. */
export const TOP_LEVEL_KEYS: readonly string[] = [
  ...new Set(
    [...SETTING_SCHEMA.filter((e) => e.group === 'behaviour'), ...SETTING_SCHEMA.filter((e) => e.group !== 'behaviour')]
      .flatMap((e) => e.keys)
      .filter((key) => !key.startsWith('targets[]'))
      .map((key) => key.split('.')[0]!),
  ),
  'targets',
];

export const TOP_LEVEL_HINTS: Readonly<Record<string, string>> = {
  apiKey: KEY_ADVICE,
  PCC_API_KEY: KEY_ADVICE,
  ...Object.fromEntries(
    TARGET_SETTINGS.filter((s) => !TOP_LEVEL_KEYS.includes(s.key)).map((s) => [s.key, 'belongs to a target: put it in an item of the `targets:` list']),
  ),
  ...Object.fromEntries(
    SETTING_SCHEMA.flatMap((entry) => {
      const key = entry.keys.find((k) => !k.startsWith('targets[]')) ?? entry.keys[0];
      if (key === undefined) return [];
      const where = key.startsWith('targets[].') ? `\`${key.slice('targets[].'.length)}\` in each target` : `\`${key}\``;
      return [entry.env, ...(entry.aliases ?? [])].map((name) => [name, `is an env var name: in the config file write ${where}`]);
    }),
  ),
};
