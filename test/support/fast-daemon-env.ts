// Daemon settings for end-to-end tests that watch several refreshes within a
// minute: a tick every 5 s, a short margin, fast retries and short timeouts.
export const FAST_DAEMON_ENV: Readonly<Record<string, string>> = {
  REFRESH_SCHEDULE: '*/5 * * * * *',
  REFRESH_MARGIN: '30s',
  RETRY_INITIAL_DELAY: '1s',
  RETRY_MAX_DELAY: '3s',
  CONFIRM_TIMEOUT: '10s',
  REQUEST_TIMEOUT: '5s',
};
