#!/usr/bin/env bash
# Installs the pinned observability tools into the project cache, built from
# their Go modules through the Go module proxy (versions in versions.sh):
#
#   promtool   $PROMTOOL_BIN  checks and unit-tests the alerting rules and the
#                             dashboards' PromQL (scripts/observability/check.sh)
#   otelcol    $OTELCOL_BIN   an OpenTelemetry Collector (OTLP/HTTP in, OTLP JSON file
#                             out) for the tracing tests (test/*.trace.test.ts)
#
# A tool already in the cache is skipped; each build prints its time; a failed
# build stops the script with a non-zero exit. Cold, on 2 cores, promtool takes
# about 2 minutes and the collector about 2.5 more; with both cached the script takes a moment.
#
#   bash scripts/observability/install-tools.sh [promtool|otelcol]...   (default: both)
#   PUBSUB_INGEST_CACHE  cache root (default: $HOME/.cache/pubsub-ingest)
#
# Starting the collector (only 127.0.0.1; test/support/trace-collector.ts does this):
#
#   source scripts/observability/versions.sh
#   OTELCOL_OTLP_HTTP_PORT=4318 OTELCOL_TRACES_FILE=/path/traces.jsonl \
#     "$OTELCOL_BIN" --config="file:$OTELCOL_SOURCE/config.yaml"
#
# It takes POST http://127.0.0.1:$OTELCOL_OTLP_HTTP_PORT/v1/traces (OTLP/HTTP, protobuf
# or JSON) and appends each export to the file as one OTLP JSON line; it stops on SIGTERM.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.sh
source "$here/versions.sh"

log() { printf '[observability-tools] %s\n' "$*" >&2; }
die() { printf '[observability-tools] ERROR: %s\n' "$*" >&2; exit 1; }
elapsed() { echo "$(( $(date +%s) - $1 ))s"; }

wanted=("$@"); (( ${#wanted[@]} )) || wanted=(promtool otelcol)
for t in "${wanted[@]}"; do
  [[ "$t" == promtool || "$t" == otelcol ]] || die "unknown tool '$t' (promtool, otelcol)"
done

command -v go >/dev/null 2>&1 || die "go is required (https://go.dev/dl/) but was not found on PATH"

# The same Go caches as the chart and Terraform tools, inside the project cache.
export GOMODCACHE="$PUBSUB_INGEST_CACHE/go/mod-cache"
export GOCACHE="$PUBSUB_INGEST_CACHE/go/build-cache"
export GOFLAGS="-modcacherw"
export CGO_ENABLED=0
# Build with the installed Go; a module asking for a newer one fails instead of
# fetching a toolchain.
export GOTOOLCHAIN=local
mkdir -p "$OBSERVABILITY_TOOLS_DIR" "$GOMODCACHE" "$GOCACHE"

# ---------------------------------------------------------------- promtool
install_promtool() {
  if [[ -x "$PROMTOOL_BIN" ]]; then log "promtool $PROMTOOL_VERSION: already built"; return; fi
  local start tmp dir ld
  start=$(date +%s)
  log "promtool $PROMTOOL_VERSION: building from $PROMTOOL_MODULE/cmd/promtool (about 2 minutes on a cold cache)..."
  # The Prometheus release of this module version, for `promtool --version`.
  dir="$(go mod download -json "$PROMTOOL_MODULE@$PROMTOOL_VERSION" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')" || true
  [[ -f "$dir/VERSION" ]] || die "promtool: cannot download $PROMTOOL_MODULE@$PROMTOOL_VERSION"
  ld="-s -w -X github.com/prometheus/common/version.Version=$(cat "$dir/VERSION")"
  tmp="$(mktemp -d "$OBSERVABILITY_TOOLS_DIR/.promtool.XXXXXX")"
  # remove_all_sd leaves out the service-discovery plugins (the AWS, Azure, GCP, Kubernetes...
  # SDKs): checking and testing rules needs none of them, and the build takes half the time.
  if ! GOBIN="$tmp" go install -trimpath -tags remove_all_sd -ldflags "$ld" "$PROMTOOL_MODULE/cmd/promtool@$PROMTOOL_VERSION"; then
    rm -rf "$tmp"; die "promtool $PROMTOOL_VERSION: build failed after $(elapsed "$start")"
  fi
  "$tmp/promtool" --version >/dev/null || { rm -rf "$tmp"; die "the built promtool does not run"; }
  rm -rf "$(dirname "$PROMTOOL_BIN")"; mv "$tmp" "$(dirname "$PROMTOOL_BIN")"
  log "promtool $PROMTOOL_VERSION: built in $(elapsed "$start") ($("$PROMTOOL_BIN" --version | head -1))"
}

# ---------------------------------------------------------------- otelcol
# A module of its own in the repository (otelcol/): go.sum pins every dependency.
install_otelcol() {
  if [[ -x "$OTELCOL_BIN" ]]; then log "otelcol $OTELCOL_VERSION: already built"; return; fi
  local start tmp
  start=$(date +%s)
  log "otelcol $OTELCOL_VERSION: building $OTELCOL_SOURCE (about 2.5 minutes on a cold cache)..."
  tmp="$(mktemp -d "$OBSERVABILITY_TOOLS_DIR/.otelcol.XXXXXX")"
  if ! (cd "$OTELCOL_SOURCE" && go build -mod=readonly -trimpath -ldflags "-s -w" -o "$tmp/otelcol" .); then
    rm -rf "$tmp"; die "otelcol $OTELCOL_VERSION: build failed after $(elapsed "$start")"
  fi
  "$tmp/otelcol" --version >/dev/null || { rm -rf "$tmp"; die "the built otelcol does not run"; }
  rm -rf "$(dirname "$OTELCOL_BIN")"; mkdir -p "$(dirname "$(dirname "$OTELCOL_BIN")")"; mv "$tmp" "$(dirname "$OTELCOL_BIN")"
  log "otelcol $OTELCOL_VERSION: built in $(elapsed "$start")"
}

total_start=$(date +%s)
for t in "${wanted[@]}"; do "install_$t"; done
log "done in $(elapsed "$total_start")"
