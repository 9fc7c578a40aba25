#!/usr/bin/env bash
# Signing and release-checking tools for the release tests (test/release), built from their Go
# modules: `cosign` (signs the image's manifest list and attests its SBOM; verifies both) and
# `actionlint` (checks .github/workflows). Needs Go >= 1.26. cosign is a large build: several
# minutes of compiling on a cold cache, once per machine.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

go_tool() { # $1 = tool name, $2 = module path of its main package, $3 = version
  local name=$1 pkg=$2 version=$3
  local dir=$TOOLS/go/$name-$version
  if [ -x "$dir/$name" ]; then
    tool_there "$name" "$version"
  else
    tool_started
    need_go "$name $version"
    rm -rf "$dir.partial" && mkdir -p "$dir.partial"
    quietly "go install $pkg@$version" \
      env GOBIN="$dir.partial" CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN=local \
      nice go install -trimpath -ldflags "-s -w" "$pkg@$version"
    rm -rf "$dir" && mv "$dir.partial" "$dir"
    tool_installed "$name" "$version"
  fi
  link "../go/$name-$version/$name" "$BIN/$name"
}

go_tool actionlint github.com/rhysd/actionlint/cmd/actionlint v1.7.12
go_tool cosign github.com/sigstore/cosign/v3/cmd/cosign v3.1.3
