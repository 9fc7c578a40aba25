#!/usr/bin/env bash
# The other Node.js majors the product must run on (22, and 24 — the LTS of the container image)
# in $TOOLS/node<major>, from the npm registry's node-linux-<arch> packages (the official
# binaries, shipped as npm packages).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

VERSIONS=(22.23.3 24.21.0)

case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) fail "no Node.js package for architecture $(uname -m)" ;;
esac

for version in "${VERSIONS[@]}"; do
  dir=$TOOLS/node${version%%.*}
  if [ -x "$dir/bin/node" ] && [ "$("$dir/bin/node" --version)" = "v$version" ]; then
    tool_there node "v$version"
    continue
  fi
  tool_started
  work=$(mktemp -d)
  quietly "npm pack node-linux-$arch@$version" sh -c "cd '$work' && npm pack --silent 'node-linux-$arch@$version' && tar xzf ./*.tgz"
  rm -rf "$dir" && mkdir -p "$dir/bin"
  mv "$work/package/bin/node" "$dir/bin/node"
  rm -rf "$work"
  [ "$("$dir/bin/node" --version)" = "v$version" ] || fail "$dir/bin/node does not report v$version"
  tool_installed node "v$version"
done
