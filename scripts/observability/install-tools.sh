#!/usr/bin/env bash
# Installs the pinned observability tools into the project cache, built from
# their Go modules through the Go module proxy (versions in versions.sh):
#
#   promtool   $PROMTOOL_BIN  checks and unit-tests the alerting rules and the
#                             dashboards' PromQL (scripts/observability/check.sh)
#   jaeger     $JAEGER_BIN    Jaeger v2 with in-memory storage, for tests that
#                             follow one message's trace
#
# A tool already in the cache is skipped; each build prints its time; a failed
# build stops the script with a non-zero exit. Cold, on 2 cores, promtool takes
# about 5 minutes and Jaeger about 8 more; with both cached the script takes a moment.
#
#   bash scripts/observability/install-tools.sh [promtool|jaeger]...   (default: both)
#   PUBSUB_INGEST_CACHE  cache root (default: $HOME/.cache/pubsub-ingest)
#
# Starting Jaeger (only 127.0.0.1, nothing kept on disk):
#
#   source scripts/observability/versions.sh
#   JAEGER_OTLP_HTTP_PORT=4318 JAEGER_QUERY_HTTP_PORT=16686 JAEGER_QUERY_GRPC_PORT=16685 \
#     "$JAEGER_BIN" --config "$JAEGER_CONFIG"
#
# Each port variable is optional (the defaults are the ones shown); give free
# ports when tests run side by side. It serves:
#   POST http://127.0.0.1:$JAEGER_OTLP_HTTP_PORT/v1/traces          OTLP/HTTP, protobuf or JSON
#   GET  http://127.0.0.1:$JAEGER_QUERY_HTTP_PORT/api/traces/<traceId>  one trace (32 hex digits);
#        404 until its spans arrived
#   GET  http://127.0.0.1:$JAEGER_QUERY_HTTP_PORT/api/services      200 once it is ready
# It stops on SIGTERM or SIGINT.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.sh
source "$here/versions.sh"

log() { printf '[observability-tools] %s\n' "$*" >&2; }
die() { printf '[observability-tools] ERROR: %s\n' "$*" >&2; exit 1; }
elapsed() { echo "$(( $(date +%s) - $1 ))s"; }

wanted=("$@"); (( ${#wanted[@]} )) || wanted=(promtool jaeger)
for t in "${wanted[@]}"; do
  [[ "$t" == promtool || "$t" == jaeger ]] || die "unknown tool '$t' (promtool, jaeger)"
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
  log "promtool $PROMTOOL_VERSION: building from $PROMTOOL_MODULE/cmd/promtool (about 5 minutes on a cold cache)..."
  # The Prometheus release of this module version, for `promtool --version`.
  dir="$(go mod download -json "$PROMTOOL_MODULE@$PROMTOOL_VERSION" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')" || true
  [[ -f "$dir/VERSION" ]] || die "promtool: cannot download $PROMTOOL_MODULE@$PROMTOOL_VERSION"
  ld="-s -w -X github.com/prometheus/common/version.Version=$(cat "$dir/VERSION")"
  tmp="$(mktemp -d "$OBSERVABILITY_TOOLS_DIR/.promtool.XXXXXX")"
  if ! GOBIN="$tmp" go install -trimpath -ldflags "$ld" "$PROMTOOL_MODULE/cmd/promtool@$PROMTOOL_VERSION"; then
    rm -rf "$tmp"; die "promtool $PROMTOOL_VERSION: build failed after $(elapsed "$start")"
  fi
  "$tmp/promtool" --version >/dev/null || { rm -rf "$tmp"; die "the built promtool does not run"; }
  rm -rf "$(dirname "$PROMTOOL_BIN")"; mv "$tmp" "$(dirname "$PROMTOOL_BIN")"
  log "promtool $PROMTOOL_VERSION: built in $(elapsed "$start") ($("$PROMTOOL_BIN" --version | head -1))"
}

# ---------------------------------------------------------------- jaeger
# `go install module@version` refuses this module (its go.mod has replace
# directives), so build it as a tool of a throwaway module: the versions of its
# dependencies are then the ones its own go.mod selects.
install_jaeger() {
  if [[ -x "$JAEGER_BIN" ]]; then log "jaeger $JAEGER_VERSION: already built"; return; fi
  local start tmp
  start=$(date +%s)
  log "jaeger $JAEGER_VERSION: building from $JAEGER_MODULE/cmd/jaeger (about 8 minutes on a cold cache)..."
  tmp="$(mktemp -d "$OBSERVABILITY_TOOLS_DIR/.jaeger.XXXXXX")"
  mkdir "$tmp/build"
  if ! (cd "$tmp/build" \
        && go mod init jaegerbuild >/dev/null 2>&1 \
        && go get -tool "$JAEGER_MODULE/cmd/jaeger@$JAEGER_VERSION" \
        && go build -trimpath -ldflags "-s -w -X $JAEGER_MODULE/internal/version.latestVersion=$JAEGER_VERSION" \
             -o "$tmp/jaeger" "$JAEGER_MODULE/cmd/jaeger"); then
    rm -rf "$tmp"; die "jaeger $JAEGER_VERSION: build failed after $(elapsed "$start")"
  fi
  rm -rf "$tmp/build"
  "$tmp/jaeger" version 2>/dev/null | grep -q "\"gitVersion\":\"$JAEGER_VERSION\"" \
    || { rm -rf "$tmp"; die "the built jaeger does not run or does not report $JAEGER_VERSION"; }
  rm -rf "$(dirname "$JAEGER_BIN")"; mv "$tmp" "$(dirname "$JAEGER_BIN")"
  log "jaeger $JAEGER_VERSION: built in $(elapsed "$start")"
}

total_start=$(date +%s)
for t in "${wanted[@]}"; do "install_$t"; done
log "done in $(elapsed "$total_start")"
