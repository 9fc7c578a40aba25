#!/usr/bin/env bash
# Debian packages the tests spawn: promtool and a real Prometheus, the Pushgateway, the aws CLI
# (a second ECR client), hyperfine, wrk, GNU time, jq and curl for the benchmark, openssl for the
# test API server's certificates, unzip for helm.sh. Needs root (or sudo) when one is missing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

# package:command that proves it is installed
PACKAGES=(
  prometheus:promtool prometheus-pushgateway:prometheus-pushgateway awscli:/usr/bin/aws
  hyperfine:hyperfine wrk:wrk time:/usr/bin/time jq:jq curl:curl openssl:openssl unzip:unzip
)

missing=()
for entry in "${PACKAGES[@]}"; do have "${entry#*:}" || missing+=("${entry%%:*}"); done
tool_started
[ "${#missing[@]}" -eq 0 ] || apt_install "${missing[@]}"
for entry in "${PACKAGES[@]}"; do
  package=${entry%%:*}
  have "${entry#*:}" || fail "'${entry#*:}' is still missing after apt-get install $package"
  if [[ " ${missing[*]} " == *" $package "* ]]; then
    tool_installed "$package" "$(deb_version "$package")"
  else
    tool_there "$package" "$(deb_version "$package")"
  fi
done
