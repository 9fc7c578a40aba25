// The one error loadConfig throws: every configuration problem found, so an
// operator can fix them all in one go.
export interface ConfigProblem {
  /** The env var name or the config file key path (`targets[2].secretSet`) the value came from. */
  field: string;
  /** What is wrong and how to fix it. Never contains a secret. */
  message: string;
}

export class ConfigError extends Error {
  readonly code = 'ERR_CONFIG';
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`invalid configuration (${count}):\n${problems.map((p) => `  ${p.field}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
