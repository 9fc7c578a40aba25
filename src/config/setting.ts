// The shape of one validated setting: where it is read (env var, config file
// key path), its default as an operator writes it, and how its value is
// checked. Tables of these drive loading, --help and the reference docs.
interface BaseSetting {
  /** Config file key path, dotted for nested keys (`leaderElection.leaseName`); absent for env-only settings. */
  key?: string;
  env: string;
  /** Field of the loaded object the value goes to. */
  field: string;
  /** Default as written in env/file; absent for optional settings. */
  default?: string;
  help: string;
}

export type Setting = BaseSetting &
  (
    | { kind: 'url' | 'cron' | 'log-level' | 'boolean' | 'path' | 'dns-label' | 'dns-subdomain' }
    | { kind: 'text'; example: string }
    | { kind: 'integer'; min: number; max: number }
    | {
        kind: 'duration';
        /** Problem with an in-range-of-setTimeout duration, or undefined. */
        check?: (ms: number) => string | undefined;
      }
  );
