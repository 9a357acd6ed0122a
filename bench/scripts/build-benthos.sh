#!/usr/bin/env bash
# Builds Benthos (the `benthos` peer of the drain benchmark) from the Go module
# proxy into the project cache, once:
#   $PUBSUB_INGEST_CACHE/tools/benthos-<version>/benthos
# The module carries a replace directive, so `go install module@version` refuses
# it: the module is downloaded and built inside a writable copy, as its Makefile
# does (CGO off, version stamped with -X). Prints the binary path on stdout.
#
#   PUBSUB_INGEST_CACHE  cache root (default: $HOME/.cache/pubsub-ingest)
#   BENTHOS_VERSION      default v4.27.0
set -euo pipefail

BENTHOS_MODULE="github.com/benthosdev/benthos/v4"
BENTHOS_VERSION="${BENTHOS_VERSION:-v4.27.0}"
cache="${PUBSUB_INGEST_CACHE:-$HOME/.cache/pubsub-ingest}"
tools="$cache/tools"
dest="$tools/benthos-$BENTHOS_VERSION"
bin="$dest/benthos"

log() { printf '[build-benthos] %s\n' "$*" >&2; }
die() { printf '[build-benthos] ERROR: %s\n' "$*" >&2; exit 1; }

if [[ -x "$bin" ]]; then log "benthos $BENTHOS_VERSION: already built"; echo "$bin"; exit 0; fi
command -v go >/dev/null 2>&1 || die "go is required (https://go.dev/dl/) but was not found on PATH"

# Go caches live beside the tools so a cache wipe really starts from scratch.
export GOMODCACHE="$cache/go/mod-cache"
export GOCACHE="$cache/go/build-cache"
export GOFLAGS="-modcacherw"
export CGO_ENABLED=0
mkdir -p "$tools" "$GOMODCACHE" "$GOCACHE"

# One build at a time (a bench run and a manual build may race); the winner's binary serves both.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$tools/.benthos-$BENTHOS_VERSION.lock"
  flock 9
  if [[ -x "$bin" ]]; then log "benthos $BENTHOS_VERSION: built meanwhile"; echo "$bin"; exit 0; fi
fi

start=$(date +%s)
log "benthos $BENTHOS_VERSION: downloading $BENTHOS_MODULE ($(go version))"
src="$(go mod download -json "$BENTHOS_MODULE@$BENTHOS_VERSION" \
  | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[[ -n "$src" && -f "$src/go.mod" ]] || die "go mod download $BENTHOS_MODULE@$BENTHOS_VERSION failed"

work="$(mktemp -d "$tools/.benthos.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp -R "$src/." "$work/src"
chmod -R u+w "$work/src"

log "benthos $BENTHOS_VERSION: building ./cmd/benthos (all components; many minutes on a cold cache)"
# -checklinkname=0: its parquet-go dependency reaches into the runtime with go:linkname, which the
# linker refuses since Go 1.23 unless told otherwise.
(
  cd "$work/src"
  go build -trimpath \
    -ldflags "-checklinkname=0 -s -w -X $BENTHOS_MODULE/internal/cli.Version=$BENTHOS_VERSION -X $BENTHOS_MODULE/internal/cli.DateBuilt=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    -o "$work/out/benthos" ./cmd/benthos
)
"$work/out/benthos" --version | grep -q "$BENTHOS_VERSION" || die "built benthos does not report $BENTHOS_VERSION"
rm -rf "$dest"; mv "$work/out" "$dest"
log "benthos $BENTHOS_VERSION: built in $(( $(date +%s) - start ))s"
echo "$bin"
