#!/usr/bin/env bash
# A real image registry and real registry clients for the pull tests (test/pull): `crane`, built
# from its Go module (it serves an in-memory OCI registry with `crane registry serve`, pushes the
# test image and is one pulling client), and `skopeo` from Debian (the other client, built on the
# same image library as podman). Needs Go >= 1.26, and root (or sudo) when skopeo is missing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

CRANE_MODULE=github.com/google/go-containerregistry
CRANE_VERSION=v0.22.1
crane_dir=$TOOLS/go/crane-$CRANE_VERSION

if [ -x "$crane_dir/crane" ]; then
  tool_there crane "$CRANE_VERSION"
else
  tool_started
  need_go "crane $CRANE_VERSION"
  rm -rf "$crane_dir.partial" && mkdir -p "$crane_dir.partial"
  quietly "go install $CRANE_MODULE/cmd/crane@$CRANE_VERSION" \
    env GOBIN="$crane_dir.partial" CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN=local \
    nice go install -trimpath -ldflags "-s -w" "$CRANE_MODULE/cmd/crane@$CRANE_VERSION"
  rm -rf "$crane_dir" && mv "$crane_dir.partial" "$crane_dir"
  tool_installed crane "$CRANE_VERSION"
fi
link "../go/crane-$CRANE_VERSION/crane" "$BIN/crane"

if have skopeo; then
  tool_there skopeo "$(deb_version skopeo)"
else
  tool_started
  apt_install skopeo
  have skopeo || fail "'skopeo' is still missing after apt-get install skopeo"
  tool_installed skopeo "$(deb_version skopeo)"
fi
