// No Job controller or kubelet runs on the test API server, so a Job never finishes by itself.
// This writes the status a Job controller writes for a run that succeeded, through the status
// subresource, which is what helm waits for on a hook Job.
import type { KubeApiServer } from '../../support/kube/start-kube-api-server.js';
import { waitFor } from '../../support/wait-for.js';

export async function completeJob(kube: KubeApiServer, namespace: string, name: string): Promise<void> {
  await waitFor(async () => (await kube.kubectl(['get', 'job', name, '-n', namespace])).code === 0, {
    what: `Job ${namespace}/${name} to be created`,
    timeoutMs: 60_000,
    intervalMs: 200,
  });
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const status = {
    status: {
      startTime: now,
      completionTime: now,
      succeeded: 1,
      active: 0,
      conditions: [
        { type: 'SuccessCriteriaMet', status: 'True', lastProbeTime: now, lastTransitionTime: now },
        { type: 'Complete', status: 'True', lastProbeTime: now, lastTransitionTime: now },
      ],
    },
  };
  const patched = await kube.kubectl(['patch', 'job', name, '-n', namespace, '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]);
  if (patched.code !== 0) throw new Error(`could not mark Job ${namespace}/${name} complete: ${patched.stderr}`);
}
