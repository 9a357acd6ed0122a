#!/usr/bin/env bash
# Checks every Helm chart under helm-charts/, offline, with the pinned tools:
#   1. helm lint --strict      default values, values-production.yaml, ci/*.yaml,
#                              with every Helm of HELM_VERSIONS (3 and 4)
#   2. helm template           the same value sets and Helms (to a temp dir)
#   3. kubeconform -strict     every rendered object against the Kubernetes
#                              API schemas (each version in K8S_SCHEMA_VERSIONS)
#                              and the KEDA / prometheus-operator / External
#                              Secrets CRD schemas; a kind without a schema fails
#   4. pod policy              non-root, read-only root FS, no privilege
#                              escalation, ALL capabilities dropped, seccomp,
#                              resources, pinned images, no secrets in values
#   5. helm unittest           helm-charts/<chart>/tests/*_test.yaml, including
#                              the values.schema.json rejection suites, as a
#                              plugin of each Helm
#   6. README values tables    in sync with the `## @param` comments
#   7. values schemas          each application chart's values.schema.json is
#                              built from the shared and its own schema sources
#   8. RDS CA bundle           the library's bundle is intact, unexpired, and
#                              holds the CA of every environment's database
#   9. deployment              the charts rendered with each environment's
#                              Terraform outputs (terraform/deployment/tests/
#                              fixtures) fit its roles, network, images,
#                              queues and node capacity
# Library charts (type: library) are linted only: they render nothing.
# Exits non-zero when any step fails, or when a tool cannot be installed.
#
#   bash scripts/charts/check.sh            all charts
#   bash scripts/charts/check.sh publisher  some charts
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=versions.sh
source "$here/versions.sh"

start=$(date +%s)
bold() { printf '\033[1m%s\033[0m\n' "$*"; }

bold "==> installing tools (pinned, cached in $PUBSUB_INGEST_CACHE)"
if ! bash "$here/install-tools.sh"; then
  echo "FAIL: the chart tools could not be installed; nothing was checked" >&2
  exit 1
fi

# Never fall back to whatever is on PATH: use exactly the cached binaries.
missing=0
helms=(); for v in $HELM_VERSIONS; do helms+=("$(helm_bin "$v")"); done
for bin in "${helms[@]}" "$KUBECONFORM_BIN"; do
  [[ -x "$bin" ]] || { echo "FAIL: missing tool $bin" >&2; missing=1; }
done
[[ -f "$HELM_UNITTEST_PLUGINS/helm-unittest/plugin.yaml" ]] || { echo "FAIL: helm-unittest plugin missing" >&2; missing=1; }
[[ -f "$PYYAML_DIR/.done" ]] || { echo "FAIL: PyYAML missing" >&2; missing=1; }
for v in $K8S_SCHEMA_VERSIONS; do
  [[ -f "$CHART_SCHEMAS_DIR/kubernetes/$v-standalone-strict/deployment-apps-v1.json" ]] \
    || { echo "FAIL: Kubernetes $v schemas missing" >&2; missing=1; }
done
[[ -f "$CHART_SCHEMAS_DIR/crds/scaledobject-keda-v1alpha1.json" ]] || { echo "FAIL: CRD schemas missing" >&2; missing=1; }
(( missing == 0 )) || exit 1
for v in $HELM_VERSIONS; do
  "$(helm_bin "$v")" version --short | grep -q "^$v" || { echo "FAIL: $(helm_bin "$v") is not helm $v" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/rendered" "$work/logs" "$work/helm"
# An empty, private helm home: no user repositories, plugins or settings.
export HELM_CONFIG_HOME="$work/helm/config" HELM_CACHE_HOME="$work/helm/cache" HELM_DATA_HOME="$work/helm/data"
export HELM_PLUGINS="$HELM_UNITTEST_PLUGINS"
export PYTHONPATH="$PYYAML_DIR"

if (( $# )); then charts=("$@"); else
  charts=()
  for d in "$repo"/helm-charts/*/; do [[ -f "$d/Chart.yaml" ]] && charts+=("$(basename "$d")"); done
fi
(( ${#charts[@]} )) || { echo "FAIL: no charts found under helm-charts/" >&2; exit 1; }
is_library() { grep -Eq '^type: *library' "$repo/helm-charts/$1/Chart.yaml"; }
app_charts=(); for chart in "${charts[@]}"; do is_library "$chart" || app_charts+=("$chart"); done

declare -a summary=()
passed=0 failed=0 n=0

# run NAME CMD...: runs a step, keeps its output, records the result.
run() {
  local name="$1"; shift
  local log="$work/logs/$((++n)).log" t0=$(date +%s%N) ms
  if "$@" >"$log" 2>&1; then
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    summary+=("PASS  $(printf '%6d' "$ms")ms  $name"); passed=$((passed + 1))
  else
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    summary+=("FAIL  $(printf '%6d' "$ms")ms  $name"); failed=$((failed + 1))
    echo "---- FAIL: $name"; tail -n 60 "$log"; echo "----"
  fi
}

# Value sets of a chart: "label|file" ("-" = chart defaults).
value_sets() {
  local chart="$1" dir="$repo/helm-charts/$1" f
  echo "default|-"
  for f in "$dir/values-production.yaml" "$dir"/ci/*.yaml; do
    [[ -f "$f" ]] && echo "$(basename "$f" .yaml)|$f"
  done
}

cd "$repo"
for chart in "${charts[@]}"; do
  dir="helm-charts/$chart"
  bold "==> $chart"
  [[ -f "$dir/Chart.yaml" ]] || { summary+=("FAIL  $chart: no Chart.yaml"); failed=$((failed + 1)); continue; }
  if is_library "$chart"; then
    for v in $HELM_VERSIONS; do
      run "$chart: helm $v lint --strict (library)" "$(helm_bin "$v")" lint --strict "$dir"
    done
    continue
  fi
  for v in $HELM_VERSIONS; do
    helm="$(helm_bin "$v")"
    while IFS='|' read -r label file; do
      args=(); [[ "$file" != "-" ]] && args=(-f "$file")
      run "$chart: helm $v lint --strict ($label)" "$helm" lint --strict "$dir" "${args[@]}"
      out="$work/rendered/$chart--$label--helm-$v.yaml"
      run "$chart: helm $v template ($label)" \
        bash -c '"$@" > "'"$out"'"' _ "$helm" template "$chart" "$dir" --namespace pubsub-ingest "${args[@]}"
    done < <(value_sets "$chart")
  done
done

bold "==> kubeconform"
rendered=("$work"/rendered/*.yaml)
if [[ ! -s "${rendered[0]:-}" ]]; then
  summary+=("FAIL  kubeconform: nothing was rendered"); failed=$((failed + 1))
else
  for v in $K8S_SCHEMA_VERSIONS; do
    run "kubeconform -strict: ${#rendered[@]} renders vs Kubernetes $v + CRDs" \
      "$KUBECONFORM_BIN" -strict -summary -output text -kubernetes-version "${v#v}" \
        -schema-location "$CHART_SCHEMAS_DIR/kubernetes/{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json" \
        -schema-location "$CHART_SCHEMAS_DIR/crds/{{.ResourceKind}}{{.KindSuffix}}.json" \
        "${rendered[@]}"
    grep -h '^Summary:' "$work/logs/$n.log" | sed "s/^/  $v: /"
  done
  run "pod policy: ${#rendered[@]} renders" python3 "$here/policy-check.py" "${rendered[@]}"
  tail -n 1 "$work/logs/$n.log" | sed 's/^/  policy: /'
  # Show which kinds each value set renders.
  for f in "${rendered[@]}"; do
    kinds=$(grep -h '^kind:' "$f" | awk '{print $2}' | sort | uniq -c | awk '{printf "%s%s", sep, ($1>1 ? $2"x"$1 : $2); sep=", "}')
    printf '  %-40s %s\n' "$(basename "$f" .yaml)" "$kinds"
  done
fi

bold "==> helm unittest"
chart_dirs=(); for chart in "${app_charts[@]}"; do chart_dirs+=("helm-charts/$chart"); done
for v in $HELM_VERSIONS; do
  run "helm $v unittest (${app_charts[*]})" env NO_COLOR=1 "$(helm_bin "$v")" unittest --strict "${chart_dirs[@]}"
  unittest_log="$work/logs/$n.log"
  grep -E '^(Tests|Time):' "$unittest_log" | sed "s/^/  helm $v: /"
  # A run that found no test must not count as a pass.
  if ! grep -Eq '^Tests: +[1-9][0-9]* passed' "$unittest_log"; then
    summary+=("FAIL  helm $v unittest ran no test"); failed=$((failed + 1))
  fi
done

bold "==> README values tables"
run "README values tables in sync" python3 "$here/values-table.py" --check "${chart_dirs[@]}"

bold "==> values schemas"
schema_dirs=(); for chart in "${app_charts[@]}"; do [[ -d "helm-charts/$chart/schema" ]] && schema_dirs+=("helm-charts/$chart"); done
if (( ${#schema_dirs[@]} )); then
  run "values.schema.json built from the shared schema (${#schema_dirs[@]} charts)" python3 "$here/build-schemas.py" --check "${schema_dirs[@]}"
fi

fixtures=("$repo"/terraform/deployment/tests/fixtures/*.json)
bold "==> Amazon RDS CA bundle"
run "RDS CA bundle intact, unexpired, with each environment's CA" \
  python3 "$here/rds-ca.py" check "$repo/helm-charts/pubsub-ingest-common/templates/_rds-ca-bundle.tpl" "${fixtures[@]}"
tail -n 1 "$work/logs/$n.log" | sed 's/^/  /'

if (( $# == 0 )); then
  bold "==> charts with the Terraform outputs of each environment"
  for v in $HELM_VERSIONS; do
    run "deployment, helm $v: ${#fixtures[@]} environments" python3 "$here/deployment-check.py" "$(helm_bin "$v")" "${fixtures[@]}"
    grep -E '^  [a-z]+: workloads|^deployment checks:' "$work/logs/$n.log" | sed "s/^/  helm $v: /"
  done
fi

echo
bold "==> summary ($(( $(date +%s) - start ))s)"
printf '  %s\n' "${summary[@]}"
echo
echo "charts: ${passed} passed, ${failed} failed"
(( failed == 0 ))
