#!/usr/bin/env bash
# `npm run test:observability`: checks the alerts and dashboards of the publisher and subscriber
# charts, offline, with the pinned tools (versions.sh, scripts/charts/versions.sh):
#   1. the PrometheusRule of each chart, rendered with its default values and prometheusRule
#      enabled, as a plain rules file: `promtool check rules`
#   2. `promtool test rules` with helm-charts/<chart>/tests/rules/*.test.yaml, and every alert
#      has severity, summary, description and runbook_url (its section of docs/operations.md),
#      a test case where it fires and one where it stays silent
#   3. the Grafana dashboard of each chart (its ConfigMap, rendered): valid and complete JSON,
#      every query PromQL (as recording rules for `promtool check rules`)
#   4. every metric the rules and dashboards select is in observability/metrics.json, exported by
#      that chart's service (or by another exporter), with only its labels (and their values where
#      the list bounds them)
#   5. every docs/operations.md#anchor in the charts' rules and the Terraform alarms exists
#   6. the tracing tests (test/*.trace.test.ts): both services and the Lambda handler with
#      tracing on, exporting to the OpenTelemetry Collector; each message is one trace with the
#      expected spans and parent links, a redelivery and a dead letter included
# Prints each step with its time; exits non-zero when any step fails or a tool is missing.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=versions.sh
source "$here/versions.sh"
# shellcheck source=../charts/versions.sh
source "$repo/scripts/charts/versions.sh"

start=$(date +%s)
bold() { printf '\033[1m%s\033[0m\n' "$*"; }
charts=(publisher subscriber)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export HELM_CONFIG_HOME="$work/helm/config" HELM_CACHE_HOME="$work/helm/cache" HELM_DATA_HOME="$work/helm/data"

declare -a summary=()
passed=0 failed=0 n=0
# run NAME CMD...: runs a step, prints its output and time, records the result.
run() {
  local name="$1"; shift
  local log="$work/$((++n)).log" t0 ms rc=0
  t0=$(date +%s%N)
  "$@" >"$log" 2>&1 || rc=$?
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  if (( rc == 0 )); then
    summary+=("PASS  $(printf '%6d' "$ms")ms  $name"); passed=$((passed + 1))
    printf 'PASS  %6dms  %s\n' "$ms" "$name"; sed 's/^/        /' "$log" | tail -n 8
  else
    summary+=("FAIL  $(printf '%6d' "$ms")ms  $name"); failed=$((failed + 1))
    printf 'FAIL  %6dms  %s\n' "$ms" "$name"; sed 's/^/    | /' "$log" | tail -n 80
  fi
  return "$rc"
}

bold "==> installing tools (pinned, cached in $PUBSUB_INGEST_CACHE)"
run "observability tools: promtool $PROMTOOL_VERSION, otelcol $OTELCOL_VERSION" bash "$here/install-tools.sh"
run "chart tools (helm $HELM_VERSION among them)" bash "$repo/scripts/charts/install-tools.sh"
for bin in "$PROMTOOL_BIN" "$OTELCOL_BIN" "$HELM_BIN"; do
  [[ -x "$bin" ]] || { echo "FAIL: missing tool $bin; nothing was checked" >&2; echo "observability: $passed passed, $((failed + 1)) failed"; exit 1; }
done
promtool() { "$PROMTOOL_BIN" "$@"; }
in_dir() { (cd "$1" && shift && "$@"); }
check() { node "$here/check.mjs" "$@"; }
render() { # render CHART TEMPLATE OUT SET...
  local chart="$1" template="$2" out="$3"; shift 3
  "$HELM_BIN" template "$chart" "$repo/helm-charts/$chart" --namespace pubsub-ingest \
    --show-only "templates/$template" "$@" >"$out"
}

for chart in "${charts[@]}"; do
  bold "==> $chart: alerts"
  rules="$work/$chart/rules.yaml"; mkdir -p "$work/$chart"
  run "$chart: render the PrometheusRule (default values)" \
    render "$chart" prometheusrule.yaml "$work/$chart/prometheusrule.yaml" --set metrics.prometheusRule.enabled=true \
    && run "$chart: its rules as a plain rules file" check rules "$work/$chart/prometheusrule.yaml" "$rules" \
    || continue
  run "$chart: promtool check rules" promtool check rules "$rules"
  # The tests name their rules file as rules.yaml, beside them.
  tests=("$repo/helm-charts/$chart/tests/rules/"*.test.yaml)
  if [[ -f "${tests[0]}" ]]; then
    cp "${tests[@]}" "$work/$chart/"
    run "$chart: promtool test rules (${#tests[@]} files)" in_dir "$work/$chart" promtool test rules "${tests[@]##*/}"
  fi
  run "$chart: every alert annotated, linked to its runbook and tested firing and silent" check alerts "$rules" "${tests[@]}"
  run "$chart: the rules' metrics and labels are in observability/metrics.json" check catalogue "$chart" "$rules"

  bold "==> $chart: dashboard"
  dash="$work/$chart/dashboard-rules.yaml"
  run "$chart: render the dashboard ConfigMap" \
    render "$chart" grafana-dashboard.yaml "$work/$chart/dashboard.yaml" --set metrics.grafanaDashboard.enabled=true \
    && run "$chart: dashboard JSON complete, queries as recording rules" check dashboard "$work/$chart/dashboard.yaml" "$dash" \
    || continue
  run "$chart: dashboard queries parse (promtool check rules)" promtool check rules "$dash"
  run "$chart: the dashboard's metrics and labels are in observability/metrics.json" check catalogue "$chart" "$dash"
done

bold "==> runbook links"
alarms=(); while IFS= read -r f; do alarms+=("$f"); done < <(grep -rl 'docs/operations.md#' "$repo/terraform" --include='*.tf')
run "every docs/operations.md anchor of the rules and the Terraform alarms exists" \
  check runbooks "$work"/*/rules.yaml "${alarms[@]}"

bold "==> one trace per message (OpenTelemetry Collector $OTELCOL_VERSION)"
# jest, with the tracing tests its default configuration leaves out; it prints each message's span list.
run "tracing tests: publisher, poller and Lambda handler into the collector" \
  env OTELCOL_BIN="$OTELCOL_BIN" node --experimental-vm-modules --no-warnings=ExperimentalWarning \
    "$repo/node_modules/jest/bin/jest.js" --rootDir "$repo" --testPathIgnorePatterns /node_modules/ -- '\.trace\.test\.ts$'

echo
bold "==> summary ($(( $(date +%s) - start ))s)"
printf '  %s\n' "${summary[@]}"
echo
echo "observability: ${passed} passed, ${failed} failed"
(( failed == 0 ))
