// Durations as written in env vars and the config file: `500ms`, `90s`, `5m`,
// `4h`, `1h30m`, `1d`. Bare numbers are refused: a unit-less `30` is as likely
// meant in seconds as in milliseconds.
const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
const UNIT_ORDER = ['d', 'h', 'm', 's', 'ms'] as const;
type Unit = (typeof UNIT_ORDER)[number];

export const DURATION_FORM = 'use a whole number with a unit (ms, s, m, h, d), like 500ms, 90s, 5m, 4h, 1h30m or 1d';

export function parseDuration(text: string): number {
  const trimmed = text.trim();
  const parts = [...trimmed.matchAll(/(\d+)(ms|d|h|m|s)/g)];
  const joined = parts.map((p) => p[0]).join('');
  let last = -1;
  let total = 0;
  const ordered = parts.every((p) => {
    const index = UNIT_ORDER.indexOf(p[2] as Unit);
    const ok = index > last;
    last = index;
    total += Number(p[1]) * UNIT_MS[p[2] as Unit];
    return ok;
  });
  if (parts.length === 0 || joined !== trimmed || !ordered || !Number.isSafeInteger(total)) {
    throw new Error(`${JSON.stringify(text)} is not a duration: ${DURATION_FORM}`);
  }
  return total;
}
