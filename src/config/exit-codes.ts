// The process's exit codes and what each means: cli.ts exits with them and
// --help lists them from here, so the two cannot drift apart.
export const EXIT = {
  ok: 0,
  refreshFailed: 1,
  badConfig: 2,
  startFailed: 3,
  preflightProblem: 4,
} as const;

export const EXIT_MEANINGS: Readonly<Record<keyof typeof EXIT, string>> = {
  ok: 'every target pushed and ready (--once), the daemon stopped cleanly, --dry-run found nothing',
  refreshFailed: 'a refresh failed',
  badConfig: 'bad configuration or usage',
  startFailed: 'could not start (e.g. the metrics port is taken)',
  preflightProblem: '--dry-run found a problem (each on stderr with its fix; as JSON on stdout)',
};
