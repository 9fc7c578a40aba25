#!/usr/bin/env bash
# Every Node.js major the product supports (scripts/supported-node.bash names the releases) in
# $TOOLS/node<major>, from the npm registry's node-linux-<arch> packages (the official binaries,
# shipped as npm packages). The compatibility tests run the built CLI on each.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"
source "$(dirname "${BASH_SOURCE[0]}")/../supported-node.bash"

node_package_name >/dev/null || fail "no Node.js package for $(uname -s) $(uname -m) on the npm registry"

for version in "${NODE_VERSIONS[@]}"; do
  dir=$TOOLS/node${version%%.*}
  if [ -x "$dir/bin/node" ] && [ "$("$dir/bin/node" --version)" = "v$version" ]; then
    tool_there node "v$version"
    continue
  fi
  tool_started
  quietly "fetch Node.js $version" install_node "$version" "$dir"
  tool_installed node "v$version"
done
