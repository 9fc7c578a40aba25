// The one place the Kubernetes tests find what scripts/install-test-tools put under .tools of
// this checkout: kube-apiserver, etcd, kubectl and helm in .tools/bin, and the Prometheus
// Operator CRDs. Anything missing is an error naming the install command, never a skip.
import { accessSync, constants, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type KubeBinaryName = 'kube-apiserver' | 'etcd' | 'kubectl' | 'helm';

const TOOLS = fileURLToPath(new URL('../../../.tools/', import.meta.url));
/** Pinned in scripts/test-tools/kube.sh. */
const PROMETHEUS_OPERATOR_VERSION = 'v0.93.0';

function installed(path: string, mode: number): string {
  try {
    accessSync(path, mode);
  } catch {
    throw new Error(`${path} is not installed: run scripts/install-test-tools (scripts/test runs it first)`);
  }
  return path;
}

/** `tools` is for the test of this lookup; everything else uses this checkout's .tools. */
export function kubeBinary(name: KubeBinaryName, tools = TOOLS): string {
  return installed(join(tools, 'bin', name), constants.X_OK);
}

/** The ServiceMonitor and PrometheusRule CustomResourceDefinitions, one file each. */
export function prometheusOperatorCrdFiles(): string[] {
  const dir = installed(join(TOOLS, `prometheus-operator-crds-${PROMETHEUS_OPERATOR_VERSION}`), constants.R_OK);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => join(dir, name));
}
