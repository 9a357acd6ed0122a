#!/usr/bin/env bash
# Installs the pinned chart tooling into the project cache:
#   every Helm of HELM_VERSIONS, kubeconform, helm-unittest (as a helm plugin) built from their Go
#   modules, and the JSON schemas kubeconform validates against (Kubernetes
#   API from k8s.io/kubernetes' OpenAPI spec, CRDs from the operators' modules).
# Everything comes from the Go module proxy (and PyPI for PyYAML); a step whose
# result is already in the cache is skipped. Versions live in versions.sh.
#
#   PUBSUB_INGEST_CACHE  cache root (default: $HOME/.cache/pubsub-ingest)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.sh
source "$here/versions.sh"

log() { printf '[install-tools] %s\n' "$*" >&2; }
die() { printf '[install-tools] ERROR: %s\n' "$*" >&2; exit 1; }
elapsed() { echo "$(( $(date +%s) - $1 ))s"; }

command -v go >/dev/null 2>&1 || die "go is required (https://go.dev/dl/) but was not found on PATH"
command -v python3 >/dev/null 2>&1 || die "python3 is required but was not found on PATH"

# Go caches live beside the tools so a cache wipe really starts from scratch.
export GOMODCACHE="$PUBSUB_INGEST_CACHE/go/mod-cache"
export GOCACHE="$PUBSUB_INGEST_CACHE/go/build-cache"
export GOFLAGS="-modcacherw"
export CGO_ENABLED=0
mkdir -p "$CHART_TOOLS_DIR" "$CHART_SCHEMAS_DIR" "$GOMODCACHE" "$GOCACHE"

total_start=$(date +%s)
log "cache: $PUBSUB_INGEST_CACHE ($(go version))"

# Prints the directory of a downloaded module (module@version).
module_dir() {
  local out
  out="$(go mod download -json "$1")" || die "go mod download $1 failed"
  python3 -c 'import json,sys; d=json.load(sys.stdin); e=d.get("Error"); print(d["Dir"]) if not e else sys.exit(e)' <<<"$out"
}

sha() { sha256sum | cut -c1-16; }

# ---------------------------------------------------------------- helm
# install_helm VERSION: builds helm.sh/helm/v<major> at VERSION. Helm 3 takes
# the Kubernetes version it assumes (lint deprecations, .Capabilities) from
# ldflags, as its Makefile derives it from client-go (v0.X -> 1.X); Helm 4
# reads it from its build info.
install_helm() {
  local version="$1" bin module start tmp ld client_go
  bin="$(helm_bin "$version")"
  if [[ -x "$bin" ]]; then log "helm $version: already built"; return; fi
  module="helm.sh/helm/${version%%.*}"
  start=$(date +%s)
  log "helm $version: building from $module (a few minutes on a cold cache)..."
  tmp="$(mktemp -d "$CHART_TOOLS_DIR/.helm.XXXXXX")"
  ld="-s -w -X $module/internal/version.version=$version -X $module/internal/version.gitTreeState=clean"
  if [[ "$module" == helm.sh/helm/v3 ]]; then
    client_go="$(awk '$1 == "k8s.io/client-go" { print $2 }' "$(module_dir "$module@$version")/go.mod")"
    [[ "$client_go" =~ ^v0\.([0-9]+)\. ]] || die "helm $version: cannot read its client-go version"
    local pkg
    for pkg in pkg/lint/rules pkg/chartutil; do
      ld+=" -X $module/$pkg.k8sVersionMajor=1 -X $module/$pkg.k8sVersionMinor=${BASH_REMATCH[1]}"
    done
  fi
  GOBIN="$tmp" go install -trimpath -ldflags "$ld" "$module/cmd/helm@$version"
  "$tmp/helm" version --short | grep -q "^$version" || die "built helm does not report $version"
  rm -rf "$(dirname "$bin")"; mv "$tmp" "$(dirname "$bin")"
  log "helm $version: built in $(elapsed "$start")"
}

# ---------------------------------------------------------------- kubeconform
install_kubeconform() {
  if [[ -x "$KUBECONFORM_BIN" ]]; then log "kubeconform $KUBECONFORM_VERSION: already built"; return; fi
  local start tmp
  start=$(date +%s)
  log "kubeconform $KUBECONFORM_VERSION: building from $KUBECONFORM_MODULE..."
  tmp="$(mktemp -d "$CHART_TOOLS_DIR/.kubeconform.XXXXXX")"
  GOBIN="$tmp" go install -trimpath -ldflags "-s -w" "$KUBECONFORM_MODULE/cmd/kubeconform@$KUBECONFORM_VERSION"
  "$tmp/kubeconform" -v >/dev/null || die "built kubeconform does not run"
  rm -rf "$(dirname "$KUBECONFORM_BIN")"; mv "$tmp" "$(dirname "$KUBECONFORM_BIN")"
  log "kubeconform $KUBECONFORM_VERSION: built in $(elapsed "$start")"
}

# ---------------------------------------------------------------- helm-unittest
# The module has replace directives, so `go install module@version` refuses it:
# build inside the downloaded module instead, then lay out a HELM_PLUGINS dir
# with its plugin.yaml and the binary under the name plugin.yaml expects.
install_helm_unittest() {
  local os arch bin
  os="$(go env GOOS)"; arch="$(go env GOARCH)"
  [[ "$os" == darwin ]] && bin="untt-macos-$arch" || bin="untt-$os-$arch"
  if [[ -x "$HELM_UNITTEST_PLUGINS/helm-unittest/$bin" && -f "$HELM_UNITTEST_PLUGINS/helm-unittest/plugin.yaml" ]]; then
    log "helm-unittest $HELM_UNITTEST_VERSION: already built"; return
  fi
  local start tmp src
  start=$(date +%s)
  log "helm-unittest $HELM_UNITTEST_VERSION: building from $HELM_UNITTEST_MODULE..."
  src="$(module_dir "$HELM_UNITTEST_MODULE@$HELM_UNITTEST_VERSION")"
  tmp="$(mktemp -d "$CHART_TOOLS_DIR/.helm-unittest.XXXXXX")"
  mkdir -p "$tmp/plugins/helm-unittest"
  (cd "$src" && go build -trimpath \
      -ldflags "-s -w -X github.com/helm-unittest/helm-unittest/internal/build.version=${HELM_UNITTEST_VERSION#v}" \
      -o "$tmp/plugins/helm-unittest/$bin" ./cmd/helm-unittest)
  cp "$src/plugin.yaml" "$tmp/plugins/helm-unittest/plugin.yaml"
  chmod -R u+w "$tmp"
  rm -rf "$HELM_UNITTEST_DIR"; mv "$tmp" "$HELM_UNITTEST_DIR"
  log "helm-unittest $HELM_UNITTEST_VERSION: built in $(elapsed "$start")"
}

# ---------------------------------------------------------------- PyYAML
install_pyyaml() {
  if [[ -f "$PYYAML_DIR/.done" ]]; then log "PyYAML $PYYAML_VERSION: already installed"; return; fi
  log "PyYAML $PYYAML_VERSION: installing from PyPI..."
  rm -rf "$PYYAML_DIR"
  PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --no-input \
    --target "$PYYAML_DIR" "PyYAML==$PYYAML_VERSION" >&2 || die "pip install PyYAML==$PYYAML_VERSION failed"
  touch "$PYYAML_DIR/.done"
}

# ---------------------------------------------------------------- Kubernetes schemas
install_k8s_schemas() {
  local conv_hash v dir src start
  conv_hash="$(sha <"$here/k8s-openapi2jsonschema.py")"
  for v in $K8S_SCHEMA_VERSIONS; do
    dir="$CHART_SCHEMAS_DIR/kubernetes/$v-standalone-strict"
    if [[ "$(cat "$dir/.stamp" 2>/dev/null)" == "$conv_hash" ]]; then
      log "Kubernetes $v schemas: already generated"; continue
    fi
    start=$(date +%s)
    log "Kubernetes $v schemas: downloading k8s.io/kubernetes@$v and converting its OpenAPI spec..."
    src="$(module_dir "k8s.io/kubernetes@$v")"
    rm -rf "$dir"; mkdir -p "$dir"
    python3 "$here/k8s-openapi2jsonschema.py" "$src/api/openapi-spec/swagger.json" "$dir"
    echo "$conv_hash" >"$dir/.stamp"
    log "Kubernetes $v schemas: $(find "$dir" -name '*.json' | wc -l) files in $(elapsed "$start")"
  done
}

# ---------------------------------------------------------------- CRD schemas
install_crd_schemas() {
  local conv key dir entry mod path srcdir start
  conv="$(module_dir "$KUBECONFORM_MODULE@$KUBECONFORM_VERSION")/scripts/openapi2jsonschema.py"
  [[ -f "$conv" ]] || die "openapi2jsonschema.py not found in $KUBECONFORM_MODULE@$KUBECONFORM_VERSION"
  key="$( { printf '%s\n' "${CRD_SOURCES[@]}" "$PYYAML_VERSION"; cat "$conv"; } | sha)"
  dir="$CHART_SCHEMAS_DIR/crds"
  if [[ "$(cat "$dir/.stamp" 2>/dev/null)" == "$key" ]]; then log "CRD schemas: already generated"; return; fi
  start=$(date +%s)
  rm -rf "$dir"; mkdir -p "$dir"
  for entry in "${CRD_SOURCES[@]}"; do
    mod="${entry%%:*}"; path="${entry#*:}"
    log "CRD schemas: $mod $path"
    srcdir="$(module_dir "$mod")"
    [[ -f "$srcdir/$path" ]] || die "$path not found in $mod"
    # kubeconform's own converter; strict like the Kubernetes schemas.
    (cd "$dir" && PYTHONPATH="$PYYAML_DIR" DENY_ROOT_ADDITIONAL_PROPERTIES=1 \
       FILENAME_FORMAT='{kind}-{group}-{version}' python3 "$conv" "$srcdir/$path" >/dev/null)
  done
  echo "$key" >"$dir/.stamp"
  log "CRD schemas: $(find "$dir" -name '*.json' | wc -l) files in $(elapsed "$start")"
}

for v in $HELM_VERSIONS; do install_helm "$v"; done
install_kubeconform
install_helm_unittest
install_pyyaml
install_k8s_schemas
install_crd_schemas
log "done in $(elapsed "$total_start")"
