#!/usr/bin/env bash
# podman with the project's container configuration (scripts/images/env.sh: its image store in the
# tool cache, runc, cgroupfs, lowered ulimits), so the bench runs the images the image test built.
set -euo pipefail
# shellcheck source=../../scripts/images/env.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/images/env.sh"
exec podman "$@"
