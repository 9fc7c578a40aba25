#!/usr/bin/env bash
# A real image registry and real registry clients for the pull tests (test/pull): `crane`, built
# from its Go module (it serves an in-memory OCI registry with `crane registry serve`, pushes the
# test image and is one pulling client), and `skopeo` from Debian (the other client, built on the
# same image library as podman). Needs Go >= 1.26, and root (or sudo) when skopeo is missing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

go_tool crane github.com/google/go-containerregistry/cmd/crane v0.22.1

if have skopeo; then
  tool_there skopeo "$(deb_version skopeo)"
else
  tool_started
  apt_install skopeo
  have skopeo || fail "'skopeo' is still missing after apt-get install skopeo"
  tool_installed skopeo "$(deb_version skopeo)"
fi
