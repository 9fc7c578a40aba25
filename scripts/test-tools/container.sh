#!/usr/bin/env bash
# Container tooling for the image tests and the benchmark: podman, buildah and runc from Debian,
# and two local base images, since no image registry can be pulled from. They stand in for the
# Dockerfile's defaults (docker.io/library/node:26-trixie-slim and
# gcr.io/distroless/nodejs26-debian13:nonroot): the same Node release on the same Debian.
#   localhost/ecr-token-refresher/node-build:<node>   Debian trixie minbase + node + npm, for the
#                                                     Dockerfile's build stage (BUILD_IMAGE)
#   localhost/ecr-token-refresher/node-distroless:<node>  node, the libraries it links, CA certificates
#                                                     and /tmp; no shell, no package manager, no npm
#                                                     (RUNTIME_IMAGE, laid out like
#                                                     gcr.io/distroless/nodejs26-debian13: /nodejs/bin/node)
# <node> is the newest release scripts/supported-node.bash pins (NODE_NEWEST).
# With CONTAINER_ARCH=arm64 (or amd64) on a machine of the other architecture it makes the runtime
# base of that architecture instead, tagged <node>-<arch> (multiarch.sh does, after registering
# qemu, which running that architecture's ldd needs). The build base is only ever needed for the
# machine's own architecture (the Dockerfile bundles on the build platform).
# Node comes from the npm registry's node-linux-<arch> package (the official binary). Also writes
# $TOOLS/containers/containers.conf (host networking, runc), which every podman call here and in
# the tests uses through CONTAINERS_CONF.
# Contract: run from the repository root with TOOLS and BIN set; idempotent; one stdout line per
# tool; the noisy output goes to $TOOLS/logs/container.log and is shown only on failure.
set -euo pipefail

: "${TOOLS:?TOOLS must be the absolute path of .tools}"
: "${BIN:?BIN must be the absolute path of .tools/bin}"
source "$(dirname "${BASH_SOURCE[0]}")/../supported-node.bash"
NODE_VERSION=$NODE_NEWEST
# The npm that Node $NODE_VERSION bundles, as the official node images ship it.
NPM_VERSION=11.20.0
# Debian 13, as the distroless -debian13 runtime and the -trixie build image.
SUITE=trixie
# What node links beyond Debian's minimal system (Node 26's official binary needs libatomic.so.1);
# the ldd check below fails if anything else is missing.
NODE_DEBIAN_PACKAGES=libatomic1
MIRROR=http://deb.debian.org/debian
DEBIAN_PACKAGES=(podman buildah runc debootstrap uidmap)
DIR=$TOOLS/containers
case "$(uname -m)" in
  x86_64) host_arch=amd64 ;;
  aarch64 | arm64) host_arch=arm64 ;;
  *) host_arch=unsupported ;;
esac
ARCH=${CONTAINER_ARCH:-$host_arch}
# The machine's own architecture keeps the plain tags; another one gets a suffix.
suffix=''
[ "$ARCH" = "$host_arch" ] || suffix=-$ARCH
BUILD_IMAGE=localhost/ecr-token-refresher/node-build:$NODE_VERSION
RUNTIME_IMAGE=localhost/ecr-token-refresher/node-distroless:$NODE_VERSION$suffix
LOG=$TOOLS/logs/container$suffix.log
mkdir -p "$DIR" "$BIN" "$(dirname "$LOG")"
: >"$LOG"

fail() {
  echo "container.sh: $*" >&2
  echo "--- $LOG ---" >&2
  tail -n 60 "$LOG" >&2
  exit 1
}
quiet() { "$@" >>"$LOG" 2>&1; }
now() { date +%s; }

# podman matches a base to --platform linux/arm64 by its variant too (v8), as registries list it.
variant=()
case "$ARCH" in
  amd64) node_arch=x64 ;;
  arm64) node_arch=arm64 variant=(--variant v8) ;;
  *) fail "unsupported architecture $ARCH" ;;
esac

# --- Debian packages --------------------------------------------------------------------------
start=$(now)
if command -v podman >/dev/null && command -v buildah >/dev/null && command -v runc >/dev/null &&
  command -v debootstrap >/dev/null; then
  echo "podman $(podman --version | awk '{print $3}'): already there"
else
  [ "$(id -u)" -eq 0 ] || fail "need root to apt-get install ${DEBIAN_PACKAGES[*]}"
  quiet env DEBIAN_FRONTEND=noninteractive apt-get update -q || fail "apt-get update failed"
  quiet env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${DEBIAN_PACKAGES[@]}" ||
    fail "apt-get install ${DEBIAN_PACKAGES[*]} failed"
  echo "podman $(podman --version | awk '{print $3}'): installed in $(($(now) - start))s"
fi

# Podman's default bridge network uses a private address range that this project never touches:
# every container shares the host's network and talks to 127.0.0.1 only.
cat >"$DIR/containers.conf" <<'EOF'
[containers]
default_ulimits=["nofile=1024:1024","nproc=4096:4096"]
netns="host"
[engine]
runtime="runc"
EOF
export CONTAINERS_CONF=$DIR/containers.conf
has_image() { podman image exists "$1" 2>/dev/null; }

# --- Debian rootfs the base images are cut from ---------------------------------------------------
rootfs=$DIR/rootfs-$SUITE$suffix
# Only the machine's own architecture needs the build base.
[ "$ARCH" = "$host_arch" ] || BUILD_IMAGE=''
if { [ -n "$BUILD_IMAGE" ] && ! has_image "$BUILD_IMAGE"; } || ! has_image "$RUNTIME_IMAGE"; then
  if [ ! -f "$rootfs/.complete" ]; then
    start=$(now)
    rm -rf "$rootfs"
    if [ -z "$suffix" ]; then
      quiet debootstrap --variant=minbase --include="ca-certificates,$NODE_DEBIAN_PACKAGES" "$SUITE" "$rootfs" "$MIRROR" ||
        fail "debootstrap $SUITE from $MIRROR failed"
    else
      # Another architecture: the first stage only (download and unpack, no package scripts run
      # under emulation), which holds the loader and most libraries node links. The first stage
      # unpacks only Debian's required packages, so the ones node needs beyond them are unpacked
      # from the downloaded .debs here; the CA bundle, which is the same on every architecture,
      # comes from this machine's own rootfs.
      [ -f "$DIR/rootfs-$SUITE/etc/ssl/certs/ca-certificates.crt" ] ||
        fail "the $SUITE rootfs of this machine's architecture is missing: run container.sh without CONTAINER_ARCH first"
      quiet debootstrap --foreign --arch="$ARCH" --variant=minbase --include="$NODE_DEBIAN_PACKAGES" "$SUITE" "$rootfs" "$MIRROR" ||
        fail "debootstrap --foreign $SUITE ($ARCH) from $MIRROR failed"
      for package in ${NODE_DEBIAN_PACKAGES//,/ }; do
        deb=$(find "$rootfs/var/cache/apt/archives" -name "${package}_*_$ARCH.deb" | head -n 1)
        [ -n "$deb" ] || fail "debootstrap --foreign did not download $package ($ARCH)"
        quiet dpkg-deb -x "$deb" "$rootfs" || fail "cannot unpack $deb"
      done
      mkdir -p "$rootfs/etc/ssl/certs"
      cp -L "$DIR/rootfs-$SUITE/etc/ssl/certs/ca-certificates.crt" "$rootfs/etc/ssl/certs/"
    fi
    touch "$rootfs/.complete"
    echo "debian-rootfs $SUITE$suffix: installed in $(($(now) - start))s"
  fi

  # Node and npm from the npm registry.
  pkgs=$DIR/packages
  mkdir -p "$pkgs"
  fetch_package() { # $1 = package@version, $2 = directory it is unpacked into
    [ -d "$2" ] && return 0
    local work
    work=$(mktemp -d)
    (cd "$work" && quiet npm pack --silent "$1" && tar xzf ./*.tgz) || fail "npm pack $1 failed"
    mv "$work/package" "$2"
    rm -rf "$work"
  }
  fetch_package "node-linux-$node_arch@$NODE_VERSION" "$pkgs/node-$NODE_VERSION$suffix"
  fetch_package "npm@$NPM_VERSION" "$pkgs/npm-$NPM_VERSION"
  node_bin=$pkgs/node-$NODE_VERSION$suffix/bin/node
  [ -x "$node_bin" ] || fail "node-linux-$node_arch@$NODE_VERSION holds no bin/node"
fi

# --- build image: Debian + node + npm ---------------------------------------------------------------
if [ -z "$BUILD_IMAGE" ]; then
  :
elif has_image "$BUILD_IMAGE"; then
  echo "node-build-image $NODE_VERSION: already there"
else
  start=$(now)
  has_image "localhost/ecr-token-refresher/debian:$SUITE" ||
    { tar -C "$rootfs" --exclude=./.complete -c . | quiet podman import - "localhost/ecr-token-refresher/debian:$SUITE"; } ||
    fail "podman import of the $SUITE rootfs failed"
  ctx=$(mktemp -d)
  cp "$node_bin" "$ctx/node"
  cp -R "$pkgs/npm-$NPM_VERSION" "$ctx/npm"
  cat >"$ctx/Containerfile" <<EOF
FROM localhost/ecr-token-refresher/debian:$SUITE
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version && npm --version
EOF
  quiet podman build --network host -t "$BUILD_IMAGE" "$ctx" || { rm -rf "$ctx"; fail "building $BUILD_IMAGE failed"; }
  rm -rf "$ctx"
  echo "node-build-image $NODE_VERSION: installed in $(($(now) - start))s"
fi

# --- runtime image: node, its libraries, CA certificates; nothing else ------------------------------
if has_image "$RUNTIME_IMAGE"; then
  echo "node-distroless-image $NODE_VERSION$suffix: already there"
else
  start=$(now)
  root=$(mktemp -d)
  mkdir -p "$root/nodejs/bin" "$root/etc/ssl/certs" "$root/tmp" "$root/usr/lib" "$root/usr/lib64"
  chmod 1777 "$root/tmp"
  # usrmerge, as in Debian: /lib and /lib64 point into /usr.
  ln -s usr/lib "$root/lib"
  ln -s usr/lib64 "$root/lib64"
  cp "$node_bin" "$root/nodejs/bin/node"
  # The shared libraries node links, taken from the rootfs (not this machine), resolved by the
  # rootfs's own loader.
  cp "$node_bin" "$rootfs/tmp/node"
  linked=$(chroot "$rootfs" /usr/bin/ldd /tmp/node 2>>"$LOG") || fail "ldd of node in the rootfs failed"
  rm -f "$rootfs/tmp/node"
  echo "$linked" >>"$LOG"
  missing=$(echo "$linked" | awk '/=> not found/{print $1}')
  [ -z "$missing" ] || fail "the $SUITE rootfs lacks libraries node links: ${missing//$'\n'/ } (add their packages to NODE_DEBIAN_PACKAGES)"
  libs=$(echo "$linked" | awk '/=> \//{print $3} /^[[:space:]]*\/lib/{print $1}')
  [ -n "$libs" ] || fail "ldd found no libraries for node"
  for lib in $libs; do
    dest=$root/usr${lib#/usr}
    mkdir -p "$(dirname "$dest")"
    cp -L "$rootfs$lib" "$dest" || fail "cannot copy $lib from the rootfs"
  done
  cp -L "$rootfs/etc/ssl/certs/ca-certificates.crt" "$root/etc/ssl/certs/"
  cp -L "$rootfs/etc/os-release" "$root/etc/os-release"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$root/etc/group"
  tar -C "$root" --numeric-owner --owner=0 --group=0 -c . |
    quiet podman import --arch "$ARCH" "${variant[@]}" --change 'ENTRYPOINT ["/nodejs/bin/node"]' --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' - "$RUNTIME_IMAGE" ||
    { rm -rf "$root"; fail "podman import of $RUNTIME_IMAGE failed"; }
  rm -rf "$root"
  echo "node-distroless-image $NODE_VERSION$suffix: installed in $(($(now) - start))s"
fi
