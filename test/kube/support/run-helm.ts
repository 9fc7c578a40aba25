// helm against the test API server, as its admin: the same binary and flags a user would run.
import { kubeBinary } from '../../support/kube/kube-binary.js';
import { runCommand, type CommandResult } from '../../support/kube/run-command.js';
import type { KubeApiServer } from '../../support/kube/start-kube-api-server.js';

export function runHelm(kube: KubeApiServer, args: string[], input?: string): Promise<CommandResult> {
  return runCommand(kubeBinary('helm'), [...args, `--kubeconfig=${kube.adminKubeconfig}`], {
    input,
    // kubectl and helm honour proxy variables; the server is on loopback only.
    env: { ...process.env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' },
    timeoutMs: 120_000,
  });
}
