#!/usr/bin/env bash
# A second image architecture for the release tests: Debian's qemu-user-static, registered with
# the kernel's binfmt_misc so that linux/arm64 programs (on an amd64 machine; linux/amd64 ones on
# an arm64 machine) run under emulation — in podman builds and containers alike — then the
# runtime base image of that architecture (container.sh with CONTAINER_ARCH). Needs root (or sudo)
# to install the package, mount binfmt_misc and register the interpreter; a registration that is
# already there is kept.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

case "$(uname -m)" in
  x86_64) other=arm64 qemu=aarch64 ;;
  aarch64 | arm64) other=amd64 qemu=x86_64 ;;
  *) fail "multiarch.sh: unsupported machine architecture $(uname -m)" ;;
esac

if have "qemu-$qemu-static"; then
  tool_there qemu-user-static "$(deb_version qemu-user-static)"
else
  tool_started
  apt_install qemu-user-static
  have "qemu-$qemu-static" || fail "'qemu-$qemu-static' is still missing after apt-get install qemu-user-static"
  tool_installed qemu-user-static "$(deb_version qemu-user-static)"
fi

binfmt=/proc/sys/fs/binfmt_misc
if [ -e "$binfmt/qemu-$qemu" ] && grep -q '^enabled' "$binfmt/qemu-$qemu"; then
  tool_there "binfmt-qemu-$qemu" "$(deb_version qemu-user-static)"
else
  tool_started
  [ -e "$binfmt/register" ] || quietly "mount binfmt_misc" as_root mount -t binfmt_misc binfmt_misc "$binfmt"
  # The rule Debian ships (magic bytes, mask, interpreter, flags): F opens the interpreter now, so
  # it also works inside containers and chroots that do not hold it.
  rule=$(cat "/usr/lib/binfmt.d/qemu-$qemu.conf")
  quietly "register qemu-$qemu with binfmt_misc" as_root sh -c "printf '%s' '$rule' > $binfmt/register"
  tool_installed "binfmt-qemu-$qemu" "$(deb_version qemu-user-static)"
fi

CONTAINER_ARCH=$other "$(dirname "${BASH_SOURCE[0]}")/container.sh"
