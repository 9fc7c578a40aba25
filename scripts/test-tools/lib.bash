# Shared by the tool-group scripts in this folder (sourced, never run). Each group script is run
# by scripts/install-test-tools from the repository root with TOOLS and BIN set, prints one line
# per tool on stdout, keeps the noise of package managers and compilers in a log under
# $TOOLS/logs, and shows that log only when a step fails.
set -euo pipefail

: "${TOOLS:?TOOLS must be set to the absolute path of .tools (run scripts/install-test-tools)}"
: "${BIN:?BIN must be set to the absolute path of .tools/bin (run scripts/install-test-tools)}"
mkdir -p "$BIN" "$TOOLS/logs"

# The group's log, named after the script that sourced this file (kube.sh -> logs/kube.log).
TOOL_LOG=$TOOLS/logs/$(basename "${BASH_SOURCE[1]}" .sh).log
: >"$TOOL_LOG"

fail() {
  printf '%s\n' "$*" >&2
  exit 1
}

# Runs a noisy command with its output in the log; on failure prints the log's tail and the reason.
quietly() { # $1 = what is being done (for the failure message), rest = the command
  local what=$1
  shift
  printf '\n$ %s\n' "$*" >>"$TOOL_LOG"
  if ! "$@" >>"$TOOL_LOG" 2>&1; then
    tail -n 40 "$TOOL_LOG" >&2
    fail "failed: $what (full log: $TOOL_LOG)"
  fi
}

tool_started() { TOOL_T0=$(date +%s); }
tool_installed() { printf '%s %s: installed in %ss\n' "$1" "$2" "$(($(date +%s) - TOOL_T0))"; }
tool_there() { printf '%s %s: already there\n' "$1" "$2"; }

have() { command -v "$1" >/dev/null 2>&1; }

# A symlink, replaced only when it points elsewhere: a warm run changes nothing on disk, so it is
# safe while tests are running the linked tools.
link() { # $1 = target (relative to the link's folder), $2 = the link
  [ "$(readlink "$2" 2>/dev/null)" = "$1" ] || ln -sfn "$1" "$2"
}

# Go >= 1.26 (the kube and helm-unittest modules declare it); /usr/local/go is where its
# official tarball puts it. Debian's golang-go is older.
need_go() {
  if ! have go && [ -x /usr/local/go/bin/go ]; then PATH=/usr/local/go/bin:$PATH; fi
  have go || fail "Go >= 1.26 is needed to build $1; install it (e.g. into /usr/local/go) and re-run scripts/install-test-tools"
  local v
  v=$(go env GOVERSION | sed 's/^go//')
  [ "$(printf '%s\n%s\n' 1.26 "$v" | sort -V | head -n1)" = 1.26 ] ||
    fail "Go $v is too old to build $1: Go >= 1.26 is needed; put a newer go first in PATH and re-run"
}

# go_build_into DIR PACKAGE VERSION: PACKAGE's command at VERSION, built from the Go module proxy,
# in DIR. It is built into DIR.partial and moved, so an interrupted build leaves nothing that looks
# installed. The caller checks Go first (need_go), naming what needs it.
go_build_into() {
  local dir=$1 pkg=$2 version=$3
  rm -rf "$dir.partial" && mkdir -p "$dir.partial"
  quietly "go install $pkg@$version" \
    env GOBIN="$dir.partial" CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN=local \
    nice go install -trimpath -ldflags "-s -w" "$pkg@$version"
  rm -rf "$dir" && mv "$dir.partial" "$dir"
}

# go_tool NAME PACKAGE VERSION: the command NAME in $TOOLS/go/NAME-VERSION, built once, linked
# into $BIN, with the group's one status line.
go_tool() {
  local name=$1 pkg=$2 version=$3
  local dir=$TOOLS/go/$name-$version
  if [ -x "$dir/$name" ]; then
    tool_there "$name" "$version"
  else
    tool_started
    need_go "$name $version"
    go_build_into "$dir" "$pkg" "$version"
    tool_installed "$name" "$version"
  fi
  link "../go/$name-$version/$name" "$BIN/$name"
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif have sudo; then
    sudo "$@"
  else
    fail "need root (or sudo) to run: $*"
  fi
}

APT_UPDATED=0
apt_install() { # Debian packages, quietly; apt-get update once per group
  if [ "$APT_UPDATED" -eq 0 ]; then
    quietly "apt-get update" as_root env DEBIAN_FRONTEND=noninteractive apt-get update
    APT_UPDATED=1
  fi
  quietly "apt-get install $*" as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}

deb_version() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo 'not-from-debian'; }
