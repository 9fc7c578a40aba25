#!/usr/bin/env bash
# The tools of the AWS Lambda tests, at pinned versions, each linked into $BIN:
#   cfn-lint (PyPI) in its own venv at $TOOLS/cfn-lint-<version>/
#   the AWS Lambda Runtime Interface Emulator, built from its Go module into $TOOLS/aws-lambda-rie-<version>/
#   the Node.js Runtime Interface Client (npm aws-lambda-ric) in $TOOLS/aws-lambda-ric-<version>/
#
# aws-lambda-ric is kept out of package.json on purpose: its install script compiles curl and the
# aws-lambda-cpp runtime client (3 to 10 minutes on 2 busy cores; needs cmake, make and g++),
# npm 11 does not run install scripts of dependencies unless told to, and 4.x declares Node >= 22
# (it builds and runs with Node 20 too, with an EBADENGINE warning). The tests run it under
# Node 24, the runtime of the function in the template, and check Node 20 and 22 as well.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

CFN_LINT_VERSION=1.58.0
# The emulator publishes no tagged module versions; this pseudo-version is its main branch of
# 2026-10-30, the newest the Go module proxy serves.
RIE_MODULE=github.com/aws/aws-lambda-runtime-interface-emulator
RIE_VERSION=v0.0.0-20261030222936-bef5c4ba774d
RIC_VERSION=4.0.2

CFN_LINT_DIR=$TOOLS/cfn-lint-$CFN_LINT_VERSION
RIE_DIR=$TOOLS/aws-lambda-rie-$RIE_VERSION
RIC_DIR=$TOOLS/aws-lambda-ric-$RIC_VERSION

# Runs INSTALLER unless MARKER exists, checks MARKER, and prints the tool's line.
ensure() { # $1 = tool, $2 = version, $3 = marker file, $4 = installer function
  if [ -e "$3" ]; then
    tool_there "$1" "$2"
    return
  fi
  tool_started
  "$4"
  [ -e "$3" ] || fail "$1 $2 installed without ${3#"$TOOLS/"} (full log: $TOOL_LOG)"
  tool_installed "$1" "$2"
}

# A venv's scripts name their interpreter by absolute path, so it is built in place and marked
# complete only at the end.
build_cfn_lint() {
  have python3 || fail "python3 is needed for cfn-lint: apt-get install python3 python3-venv"
  rm -rf "$CFN_LINT_DIR"
  quietly "python3 -m venv $CFN_LINT_DIR" python3 -m venv "$CFN_LINT_DIR"
  quietly "pip install cfn-lint==$CFN_LINT_VERSION" \
    "$CFN_LINT_DIR/bin/python" -m pip install --disable-pip-version-check "cfn-lint==$CFN_LINT_VERSION"
  [ -x "$CFN_LINT_DIR/bin/cfn-lint" ] && touch "$CFN_LINT_DIR/.complete"
}

build_rie() {
  need_go "the AWS Lambda Runtime Interface Emulator"
  go_build_into "$RIE_DIR" "$RIE_MODULE/cmd/aws-lambda-rie" "$RIE_VERSION"
}

build_ric() {
  local cmd
  for cmd in cmake make g++; do
    have "$cmd" || fail "aws-lambda-ric compiles native code and needs $cmd: apt-get install cmake make g++"
  done
  # node-gyp would download Node's headers from outside the package registries; the running
  # node's own install carries them (include/node under its prefix), so it builds against those.
  local node_prefix
  node_prefix=$(dirname "$(dirname "$(command -v node)")")
  [ -f "$node_prefix/include/node/node.h" ] ||
    fail "aws-lambda-ric compiles against Node's headers and $node_prefix/include/node has none: install a Node.js build that ships them (the official ones do)"
  rm -rf "$RIC_DIR.partial" && mkdir -p "$RIC_DIR.partial"
  printf '{ "name": "aws-lambda-ric-tool", "private": true }\n' >"$RIC_DIR.partial/package.json"
  # --foreground-scripts runs the package's own build (npm 11 would skip it otherwise).
  quietly "npm install aws-lambda-ric@$RIC_VERSION (compiles native code)" sh -c "cd '$RIC_DIR.partial' &&
    npm_config_nodedir='$node_prefix' nice npm install --no-audit --no-fund --foreground-scripts --save-exact 'aws-lambda-ric@$RIC_VERSION'"
  rm -rf "$RIC_DIR" && mv "$RIC_DIR.partial" "$RIC_DIR"
}

ensure cfn-lint "$CFN_LINT_VERSION" "$CFN_LINT_DIR/.complete" build_cfn_lint
link "../${CFN_LINT_DIR#"$TOOLS/"}/bin/cfn-lint" "$BIN/cfn-lint"
ensure aws-lambda-rie "$RIE_VERSION" "$RIE_DIR/aws-lambda-rie" build_rie
link "../${RIE_DIR#"$TOOLS/"}/aws-lambda-rie" "$BIN/aws-lambda-rie"
ensure aws-lambda-ric "$RIC_VERSION" "$RIC_DIR/node_modules/aws-lambda-ric/rapid-client.node" build_ric
link "../${RIC_DIR#"$TOOLS/"}/node_modules/.bin/aws-lambda-ric" "$BIN/aws-lambda-ric"
