// Debian's `prometheus-pushgateway` on loopback with no persistence file, so
// every test starts from an empty gateway. Debian's build defaults
// --persistence.file to a shared file under /var/lib, hence the explicit empty
// value. Returns once /-/ready answers and the answering gateway is this one.
// With `webConfigFile` (exporter-toolkit's web config, e.g. basic_auth_users)
// the gateway demands what it says; `authorization` is then the header this
// helper's own reads send.
import { findTool } from './find-tool.js';
import type { ProcessTracker, TrackedProcess } from './create-process-tracker.js';
import { freePort } from './free-port.js';
import { waitFor } from './wait-for.js';

export interface PushgatewayGroup {
  labels: Record<string, string>;
  /** Metric families by name; push_time_seconds and push_failure_time_seconds included. */
  families: Record<string, { type: string; metrics: Array<{ labels: Record<string, string>; value?: string }> }>;
}

export interface RunningPushgateway {
  url: string;
  process: TrackedProcess;
  /** The groups as /api/v1/metrics lists them. */
  groups(): Promise<PushgatewayGroup[]>;
  /** The exposition Prometheus would scrape. */
  metricsText(): Promise<string>;
}

export async function startPushgateway(
  tracker: ProcessTracker,
  options: { startTimeoutMs?: number; webConfigFile?: string; authorization?: string } = {},
): Promise<RunningPushgateway> {
  const binary = findTool('prometheus-pushgateway');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const webConfig = options.webConfigFile ? [`--web.config.file=${options.webConfigFile}`] : [];
  const headers: Record<string, string> = options.authorization ? { authorization: options.authorization } : {};
  const process = tracker.start(binary, [`--web.listen-address=127.0.0.1:${port}`, '--persistence.file=', '--log.level=warn', ...webConfig]);
  try {
    await waitFor(
      async () => {
        if (process.child.exitCode !== null) throw new Error(`pushgateway exited ${process.child.exitCode}: ${process.stderr()}`);
        const response = await fetch(`${url}/api/v1/status`, { headers, signal: AbortSignal.timeout(2_000) });
        if (!response.ok) return false;
        // Another gateway may have won the port race: make sure it is ours.
        const status = (await response.json()) as { data: { flags: Record<string, string> } };
        const flags = status.data.flags;
        if (flags['web.listen-address'] !== `127.0.0.1:${port}` || flags['persistence.file'] !== '') return false;
        return process.child.exitCode === null;
      },
      { what: 'pushgateway /-/ready', timeoutMs: options.startTimeoutMs ?? 15_000 },
    );
  } catch (error) {
    await process.stop();
    throw error;
  }
  return {
    url,
    process,
    async groups() {
      const response = await fetch(`${url}/api/v1/metrics`, { headers, signal: AbortSignal.timeout(5_000) });
      const body = (await response.json()) as { status: string; data: Array<Record<string, unknown>> };
      if (body.status !== 'success') throw new Error(`pushgateway /api/v1/metrics: ${JSON.stringify(body).slice(0, 300)}`);
      return body.data.map(({ labels, ...families }) => ({
        labels: labels as Record<string, string>,
        families: families as PushgatewayGroup['families'],
      }));
    },
    async metricsText() {
      const response = await fetch(`${url}/metrics`, { headers, signal: AbortSignal.timeout(5_000) });
      return response.text();
    },
  };
}
