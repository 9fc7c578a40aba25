// The one place the Kubernetes tests find their binaries: .tools/bin of this checkout, where
// scripts/install-test-tools links kube-apiserver, etcd, kubectl and helm. A missing binary is an
// error naming the install command, never a reason to skip.
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type KubeBinaryName = 'kube-apiserver' | 'etcd' | 'kubectl' | 'helm';

const TOOLS_BIN = fileURLToPath(new URL('../../../.tools/bin/', import.meta.url));

export function kubeBinary(name: KubeBinaryName): string {
  const path = join(TOOLS_BIN, name);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`${name} is not installed at ${path}: run scripts/install-test-tools (scripts/test runs it first)`);
  }
  return path;
}
