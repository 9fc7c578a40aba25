#!/usr/bin/env bash
# Signing and release-checking tools for the release tests (test/release), built from their Go
# modules: `cosign` (signs the image's manifest list and attests its SBOM; verifies both) and
# `actionlint` (checks .github/workflows). Needs Go >= 1.26. cosign is a large build: several
# minutes of compiling on a cold cache, once per machine.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

go_tool actionlint github.com/rhysd/actionlint/cmd/actionlint v1.7.12
go_tool cosign github.com/sigstore/cosign/v3/cmd/cosign v3.1.3
