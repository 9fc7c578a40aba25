#!/usr/bin/env bash
# The tools of the AWS Lambda tests, at pinned versions:
#   cfn-lint (PyPI) in its own venv at $TOOLS/cfn-lint-<version>/
#   the AWS Lambda Runtime Interface Emulator, built from its Go module into $TOOLS/aws-lambda-rie-<version>/
#   the Node.js Runtime Interface Client (npm aws-lambda-ric) in $TOOLS/aws-lambda-ric-<version>/
# Each is linked into $BIN. Run from the repository root with TOOLS and BIN set (absolute paths).
# Idempotent: one stdout line per tool, "installed in <N>s" or "already there"; the noisy output
# of a build goes to $TOOLS/logs/lambda-<tool>.log and is shown only when the build fails.
#
# aws-lambda-ric is kept out of package.json on purpose: its install script compiles curl and the
# aws-lambda-cpp runtime client (about 3 minutes on 2 cores, needs cmake, make and g++), npm 11 does
# not run install scripts of dependencies unless told to, and 4.x declares Node >= 22 (it builds
# and loads with Node 20 too, with an EBADENGINE warning). The tests run it under Node 24, the
# runtime of the function in the template.
set -euo pipefail

: "${TOOLS:?set TOOLS to the absolute path of .tools}"
: "${BIN:?set BIN to the absolute path of .tools/bin}"

CFN_LINT_VERSION=1.58.0
# The emulator publishes no tagged module versions; this pseudo-version is its main branch of
# 2026-10-30, the newest the Go module proxy serves.
RIE_MODULE=github.com/aws/aws-lambda-runtime-interface-emulator
RIE_VERSION=v0.0.0-20261030222936-bef5c4ba774d
RIC_VERSION=4.0.2

LOGS=$TOOLS/logs
mkdir -p "$BIN" "$LOGS"

fail() { echo "lambda.sh: $*" >&2; exit 1; }

# Runs "$@" with its output in a log; on failure prints the log's tail and the reason.
quietly() { # $1 = tool name, rest = command
  local tool=$1 log=$LOGS/lambda-$1.log
  shift
  if ! "$@" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    fail "installing $tool failed (full output in $log)"
  fi
}

# Runs INSTALLER unless MARKER exists, then checks MARKER and prints the tool's line.
ensure() { # $1 = tool, $2 = version, $3 = marker file, $4 = installer function
  local tool=$1 version=$2 marker=$3 installer=$4
  if [ -e "$marker" ]; then
    echo "$tool $version: already there"
    return
  fi
  local started=$SECONDS
  "$installer"
  [ -e "$marker" ] || fail "$tool $version installed without ${marker#"$TOOLS/"} (see $LOGS/lambda-$tool.log)"
  echo "$tool $version: installed in $((SECONDS - started))s"
}

CFN_LINT_DIR=$TOOLS/cfn-lint-$CFN_LINT_VERSION
RIE_DIR=$TOOLS/aws-lambda-rie-$RIE_VERSION
RIC_DIR=$TOOLS/aws-lambda-ric-$RIC_VERSION

# A venv's scripts name their interpreter by absolute path, so it is built in place and marked
# complete only at the end.
build_cfn_lint() {
  command -v python3 >/dev/null || fail "python3 is needed for cfn-lint: apt-get install python3 python3-venv"
  rm -rf "$CFN_LINT_DIR"
  quietly cfn-lint sh -c "python3 -m venv '$CFN_LINT_DIR' &&
    '$CFN_LINT_DIR/bin/python' -m pip install --quiet --disable-pip-version-check 'cfn-lint==$CFN_LINT_VERSION'"
  [ -x "$CFN_LINT_DIR/bin/cfn-lint" ] && touch "$CFN_LINT_DIR/.complete"
}

build_rie() {
  if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then PATH=/usr/local/go/bin:$PATH; fi
  command -v go >/dev/null || fail "Go is needed to build the Runtime Interface Emulator: install Go 1.26 or newer"
  rm -rf "$RIE_DIR.partial" && mkdir -p "$RIE_DIR.partial"
  quietly aws-lambda-rie env GOBIN="$RIE_DIR.partial" CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN=local \
    nice go install -trimpath -ldflags "-s -w" "$RIE_MODULE/cmd/aws-lambda-rie@$RIE_VERSION"
  rm -rf "$RIE_DIR" && mv "$RIE_DIR.partial" "$RIE_DIR"
}

build_ric() {
  local cmd
  for cmd in cmake make g++; do
    command -v "$cmd" >/dev/null || fail "aws-lambda-ric compiles native code and needs $cmd: apt-get install cmake make g++"
  done
  rm -rf "$RIC_DIR.partial" && mkdir -p "$RIC_DIR.partial"
  printf '{ "name": "aws-lambda-ric-tool", "private": true }\n' >"$RIC_DIR.partial/package.json"
  # --foreground-scripts runs the package's own build (npm 11 would skip it otherwise).
  quietly aws-lambda-ric sh -c "cd '$RIC_DIR.partial' && nice npm install --no-audit --no-fund --foreground-scripts \
    --save-exact 'aws-lambda-ric@$RIC_VERSION'"
  rm -rf "$RIC_DIR" && mv "$RIC_DIR.partial" "$RIC_DIR"
}

ensure cfn-lint "$CFN_LINT_VERSION" "$CFN_LINT_DIR/.complete" build_cfn_lint
ln -sfn "../${CFN_LINT_DIR#"$TOOLS/"}/bin/cfn-lint" "$BIN/cfn-lint"
ensure aws-lambda-rie "$RIE_VERSION" "$RIE_DIR/aws-lambda-rie" build_rie
ln -sfn "../${RIE_DIR#"$TOOLS/"}/aws-lambda-rie" "$BIN/aws-lambda-rie"
ensure aws-lambda-ric "$RIC_VERSION" "$RIC_DIR/node_modules/aws-lambda-ric/rapid-client.node" build_ric
ln -sfn "../${RIC_DIR#"$TOOLS/"}/node_modules/.bin/aws-lambda-ric" "$BIN/aws-lambda-ric"
