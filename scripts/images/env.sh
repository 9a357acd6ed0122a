# shellcheck shell=bash
# Settings shared by the image scripts: pinned versions, image names, and a podman
# configuration of the project's own. Sourced, never run.
#
# Podman keeps its images under the tool cache (an empty cache is a cold build) and
# runs containers with runc, cgroupfs and explicit ulimits: crun and the systemd cgroup
# manager fail on hybrid cgroup hosts, and a container may not raise a limit above
# the host's.

images_repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# The Node.js release of the images is the one scripts/use-node.sh installs.
NODE_VERSION="$(sed -n 's/.*[[:space:]]version=\([0-9][0-9.]*\).*/\1/p' "$images_repo/scripts/use-node.sh" | head -n 1)"
[[ -n "$NODE_VERSION" ]] || { echo "cannot read the Node.js version from scripts/use-node.sh" >&2; return 1; }
# npm of the local base image's build stage (the official image ships the npm of its Node release).
NPM_VERSION="11.21.2"
DEBIAN_SUITE="bookworm"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

# The Dockerfile's default base; builds that cannot pull it use LOCAL_BASE_IMAGE instead.
UPSTREAM_BASE_IMAGE="docker.io/library/node:$NODE_VERSION-$DEBIAN_SUITE-slim"
LOCAL_BASE_IMAGE="localhost/pubsub-ingest/node-base:$NODE_VERSION-$DEBIAN_SUITE-slim"
IMAGE_PREFIX="${IMAGE_PREFIX:-localhost/pubsub-ingest}"
IMAGE_SERVICES="publisher subscriber"

PUBSUB_INGEST_CACHE="${PUBSUB_INGEST_CACHE:-$HOME/.cache/pubsub-ingest}"
containers_dir="$PUBSUB_INGEST_CACHE/containers"
mkdir -p "$containers_dir/storage"
# One run root per store: two caches must not share podman's locks and container state.
runroot="/run/pubsub-ingest/containers-$(printf '%s' "$containers_dir" | sha256sum | cut -c1-12)"
cat >"$containers_dir/storage.conf" <<CONF
[storage]
driver = "overlay"
graphroot = "$containers_dir/storage"
runroot = "$runroot"
CONF
cat >"$containers_dir/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
export CONTAINERS_STORAGE_CONF="$containers_dir/storage.conf"
export CONTAINERS_CONF="$containers_dir/containers.conf"
export BUILDAH_ISOLATION=oci
