// What the release tests share: the machine's own platform and the other one (built under
// emulation), the local base image of each (scripts/test-tools/container.sh and multiarch.sh make
// them), and the environment the release tools run with (podman's containers.conf, .tools/bin
// first on PATH).
import { arch } from 'node:process';
import { delimiter, join } from 'node:path';
import { CONTAINERS_CONF } from '../../container/support/podman.js';
import { LOCAL_BUILD_IMAGE, LOCAL_RUNTIME_IMAGE } from '../../container/support/build-image.js';
import { ROOT } from '../../support/root.js';

export const HOST_ARCH = arch === 'arm64' ? 'arm64' : 'amd64';
export const OTHER_ARCH = HOST_ARCH === 'arm64' ? 'amd64' : 'arm64';
export const PLATFORMS = ['linux/amd64', 'linux/arm64'] as const;
export { LOCAL_BUILD_IMAGE };

/** The local runtime base for an architecture: the machine's own keeps the plain tag. */
export function localRuntimeImage(imageArch: string): string {
  return imageArch === HOST_ARCH ? LOCAL_RUNTIME_IMAGE : `${LOCAL_RUNTIME_IMAGE}-${imageArch}`;
}

/** The environment for podman, cosign, crane and helm in these tests; `extra` adds variables. */
export function toolEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: [join(ROOT, '.tools', 'bin'), join(ROOT, 'node_modules', '.bin'), process.env.PATH ?? ''].join(delimiter),
    CONTAINERS_CONF,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    ...extra,
  };
}
