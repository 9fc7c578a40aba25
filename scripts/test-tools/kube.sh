#!/usr/bin/env bash
# kube-apiserver and etcd for the tests that install the chart on a real API server, built from
# the Go module proxy (no project publishes them as a registry package) at pinned versions into
# $TOOLS/kube-v<version>/ and linked into $BIN.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

K8S_VERSION=1.37.2
# etcd at the version kubernetes itself requires: a newer one upgrades grpc/otel underneath the
# apiserver. Read from k8s.io/kubernetes's go.mod below and checked against this pin.
ETCD_VERSION=v3.7.0
MINOR=$(echo "$K8S_VERSION" | cut -d. -f2)
STAGING=0.${K8S_VERSION#1.}
dir=$TOOLS/kube-v$K8S_VERSION

build() {
  need_go "kube-apiserver v$K8S_VERSION"
  local work=$dir.build
  rm -rf "$work" "$dir.partial" && mkdir -p "$work" "$dir.partial"
  export CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN=local
  quietly "download k8s.io/kubernetes@v$K8S_VERSION" \
    sh -c "go mod download -json k8s.io/kubernetes@v$K8S_VERSION >'$work/kubernetes.json'"
  local gomod
  gomod=$(sed -n 's/.*"GoMod": "\(.*\)".*/\1/p' "$work/kubernetes.json")
  [ -f "$gomod" ] || fail "no go.mod for k8s.io/kubernetes@v$K8S_VERSION in the module cache (see $TOOL_LOG)"
  local required
  required=$(awk '$1=="go.etcd.io/etcd/server/v3"{print $2; exit}' "$gomod")
  [ "$required" = "$ETCD_VERSION" ] ||
    fail "k8s.io/kubernetes v$K8S_VERSION requires etcd $required, but kube.sh pins $ETCD_VERSION: change the pin"
  # k8s.io/kubernetes requires its staging modules as v0.0.0 and replaces them with local folders,
  # which `go install pkg@version` refuses; a wrapper module points each at its published release.
  {
    echo "module local/k8sbuild"
    echo "go $(awk '$1=="go"{print $2; exit}' "$gomod")"
    echo "require k8s.io/kubernetes v$K8S_VERSION"
    echo "replace ("
    awk -v v="v$STAGING" '$1 ~ /^k8s\.io\// && $2=="v0.0.0" {print "\t" $1 " => " $1 " " v}' "$gomod"
    echo ")"
  } >"$work/go.mod"
  quietly "resolve kube-apiserver and etcd modules" sh -c "cd '$work' && go get -tool \
    k8s.io/kubernetes/cmd/kube-apiserver@v$K8S_VERSION go.etcd.io/etcd/server/v3@$ETCD_VERSION"
  # The version variables make the server report v$K8S_VERSION (helm and kubectl read it) instead
  # of v0.0.0-master.
  local ldflags="-s -w" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags="$ldflags -X $pkg.gitVersion=v$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$MINOR"
  done
  ldflags="$ldflags -X k8s.io/component-base/version.gitTreeState=clean"
  # One go build for both mains, so their shared packages compile once; etcd's comes out as "server".
  quietly "build kube-apiserver v$K8S_VERSION and etcd $ETCD_VERSION" sh -c "cd '$work' && nice go build \
    -trimpath -ldflags '$ldflags' -o '$dir.partial/' k8s.io/kubernetes/cmd/kube-apiserver go.etcd.io/etcd/server/v3"
  mv "$dir.partial/server" "$dir.partial/etcd"
  rm -rf "$dir" "$work" && mv "$dir.partial" "$dir"
}

if [ -x "$dir/kube-apiserver" ] && [ -x "$dir/etcd" ]; then
  tool_there kube-apiserver "v$K8S_VERSION"
  tool_there etcd "$ETCD_VERSION"
else
  tool_started
  build
  tool_installed kube-apiserver "v$K8S_VERSION"
  tool_installed etcd "$ETCD_VERSION"
fi
link "../kube-v$K8S_VERSION/kube-apiserver" "$BIN/kube-apiserver"
link "../kube-v$K8S_VERSION/etcd" "$BIN/etcd"

# The Prometheus Operator's CRDs for ServiceMonitor and PrometheusRule, from its Go module (the
# operator publishes them in the module's example/ folder), so the API server validates those
# objects of the chart for real.
PROMETHEUS_OPERATOR_VERSION=v0.93.0
crds=$TOOLS/prometheus-operator-crds-$PROMETHEUS_OPERATOR_VERSION
if [ -f "$crds/monitoring.coreos.com_servicemonitors.yaml" ] && [ -f "$crds/monitoring.coreos.com_prometheusrules.yaml" ]; then
  tool_there prometheus-operator-crds "$PROMETHEUS_OPERATOR_VERSION"
else
  tool_started
  need_go "the Prometheus Operator CRDs"
  rm -rf "$crds.partial" && mkdir -p "$crds.partial"
  quietly "download github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION" sh -c \
    "GOFLAGS=-mod=mod go mod download -json github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION >'$crds.partial/module.json'"
  src=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' "$crds.partial/module.json")/example/prometheus-operator-crd
  for kind in servicemonitors prometheusrules; do
    [ -f "$src/monitoring.coreos.com_$kind.yaml" ] || fail "no $kind CRD in $src (see $TOOL_LOG)"
    cp "$src/monitoring.coreos.com_$kind.yaml" "$crds.partial/"
  done
  rm -f "$crds.partial/module.json"
  rm -rf "$crds" && mv "$crds.partial" "$crds"
  tool_installed prometheus-operator-crds "$PROMETHEUS_OPERATOR_VERSION"
fi
