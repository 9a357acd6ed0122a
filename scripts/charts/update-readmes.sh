#!/usr/bin/env bash
# Regenerates the values tables of the chart READMEs from the `## @param`
# comments of each values.yaml (check.sh fails while they are out of date).
#
#   bash scripts/charts/update-readmes.sh            all charts
#   bash scripts/charts/update-readmes.sh publisher  some charts
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=versions.sh
source "$here/versions.sh"
bash "$here/install-tools.sh"
dirs=()
if (( $# )); then
  for c in "$@"; do dirs+=("$repo/helm-charts/$c"); done
else
  # Library charts have no values.yaml of their own.
  for d in "$repo"/helm-charts/*/; do [[ -f "$d/values.yaml" ]] && dirs+=("${d%/}"); done
fi
PYTHONPATH="$PYYAML_DIR" python3 "$here/values-table.py" "${dirs[@]}"
