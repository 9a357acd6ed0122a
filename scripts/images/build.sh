#!/usr/bin/env bash
# Builds the publisher and subscriber images from the Dockerfile with podman, on the
# local base image (scripts/images/build-base.sh), tagged with the commit.
#
#   bash scripts/images/build.sh     prints "<service> <image>" per image on stdout
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
source "$here/env.sh"
cd "$images_repo"

log() { printf '[build-images] %s\n' "$*" >&2; }

base="$(bash "$here/build-base.sh")"
revision="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
tag="$(git rev-parse --short=12 HEAD 2>/dev/null || echo dev)"
version="$(node -p 'require("./package.json").version')"
# The commit's time, not the build's: the same commit gives the same labels and a reusable layer cache.
created="$(git log -1 --format=%cI 2>/dev/null || date -u +%Y-%m-%dT%H:%M:%SZ)"
# A machine whose Node trusts an extra CA (a TLS-intercepting proxy) lends it to npm in the build.
secret=()
[[ -r "${NODE_EXTRA_CA_CERTS:-}" ]] && secret=(--secret "id=npm-ca,src=$NODE_EXTRA_CA_CERTS")
for service in $IMAGE_SERVICES; do
  image="$IMAGE_PREFIX/$service:$tag"
  start=$(date +%s)
  log "$image (target $service, base $base) ..."
  podman build --quiet --layers --pull=never \
    --build-arg BASE_IMAGE="$base" --build-arg VERSION="$version" \
    --build-arg REVISION="$revision" --build-arg CREATED="$created" \
    "${secret[@]}" --target "$service" --tag "$image" . >/dev/null
  log "$image: built in $(( $(date +%s) - start ))s"
  echo "$service $image"
done
