#!/usr/bin/env bash
# `npm run test:argocd`: validates argocd/ offline (argocd.test.mjs) with the pinned chart tools
# and schemas, the Argo CD CRDs among them (scripts/charts/versions.sh). JUnit goes to
# ${REPORTS_DIR:-reports}/argocd.junit.xml.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=../charts/versions.sh
source "$repo/scripts/charts/versions.sh"

bash "$repo/scripts/charts/install-tools.sh" >&2 || { echo "test:argocd: FAIL: the chart tools could not be installed" >&2; exit 1; }
for f in "$HELM_BIN" "$KUBECONFORM_BIN" "$CHART_SCHEMAS_DIR/crds/application-argoproj-v1alpha1.json" "$CHART_SCHEMAS_DIR/crds/appproject-argoproj-v1alpha1.json"; do
  [[ -e "$f" ]] || { echo "test:argocd: FAIL: missing $f" >&2; exit 1; }
done

reports="${REPORTS_DIR:-$repo/reports}"
mkdir -p "$reports"
export HELM_BIN KUBECONFORM_BIN CHART_SCHEMAS_DIR K8S_SCHEMA_VERSIONS PYYAML_DIR
export HELM_CONFIG_HOME HELM_CACHE_HOME HELM_DATA_HOME
helm_home="$(mktemp -d)"; trap 'rm -rf "$helm_home"' EXIT
HELM_CONFIG_HOME="$helm_home/config" HELM_CACHE_HOME="$helm_home/cache" HELM_DATA_HOME="$helm_home/data"
node --test --test-concurrency=1 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=junit --test-reporter-destination="$reports/argocd.junit.xml" \
  "$here/argocd.test.mjs"
