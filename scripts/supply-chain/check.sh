#!/usr/bin/env bash
# `npm run test:supply-chain`: what can be checked of the supply chain without an advisory service
# (the vulnerability audit itself runs in the Jenkinsfile, see docs/supply-chain.md):
#   1. lockfiles     lockfile-lint (https, the npm registry, package names, sha512) and every
#                    package with an integrity hash; .ci/run, the Dockerfiles, the Jenkinsfile and
#                    its shell scripts install only with `npm ci`
#   2. SBOMs         CycloneDX 1.6 of the publisher image, the subscriber image (cyclonedx-npm on
#                    the workspace, --omit dev, as the Dockerfile's `npm ci --omit=dev --workspace`)
#                    and the Lambda zip (the esbuild plugin in `npm run build:lambda`: what the
#                    bundle holds), each schema-valid, production packages only, and for an image
#                    equal to the tree that the Dockerfile's own npm ci command installs
#   3. licences      of every component of the SBOMs, against licence-allow-list.json
#   4. unit tests    of these checks and of the pipeline's audit gate (node:test)
#   5. checkov       the Dockerfiles (framework dockerfile; skips inline, with their reasons) and
#                    every application chart as helm template renders it with its default values,
#                    values-production.yaml and each ci/*.yaml (framework kubernetes; skips, with
#                    their reasons and the value sets they apply to, in checkov-skips.json)
# SBOMs go to $REPORTS_DIR/sbom (default reports/sbom), JUnit to $REPORTS_DIR/supply-chain.junit.xml.
# Needs the npm devDependencies (npm ci) and the built workspaces (npm run build); checkov and Helm
# come from the tool cache, installed by the Terraform and chart install scripts when missing.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"
start=$(date +%s)

reports="${REPORTS_DIR:-$repo/reports}"
sboms="$reports/sbom"
work="$(mktemp -d "${TMPDIR:-/tmp}/pubsub-ingest-supply-chain.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$sboms" "$work/logs"
rm -f "$sboms"/*.cdx.json

declare -a summary=()
passed=0 failed=0 n=0
# check NAME CMD...: runs one check; its output is shown (it is short), its result recorded.
check() {
  local name="$1"; shift
  local t0=$(date +%s) status=0
  echo "--- $name"
  "$@" || status=$?
  local secs=$(( $(date +%s) - t0 ))
  if (( status == 0 )); then summary+=("PASS  $(printf '%3d' "$secs")s  $name"); passed=$((passed + 1))
  else summary+=("FAIL  $(printf '%3d' "$secs")s  $name (exit $status)"); failed=$((failed + 1)); fi
}
bin="$repo/node_modules/.bin"
for tool in lockfile-lint cyclonedx-npm; do
  [[ -x "$bin/$tool" ]] || { echo "test:supply-chain: FAIL: $tool missing: run npm ci" >&2; echo "supply-chain: 0 passed, 1 failed"; exit 1; }
done

# --- 1. lockfiles and install commands
lockfiles=(package-lock.json scripts/jenkinsfile/lint-tools/package-lock.json)
for lock in "${lockfiles[@]}"; do
  check "lockfile-lint $lock" "$bin/lockfile-lint" --path "$lock" --type npm --validate-https --allowed-hosts npm \
    --validate-integrity --validate-package-names --empty-hostname false --format plain
done
check "every package in the lockfiles has a sha512 integrity" node "$here/lockfile.mjs" complete "${lockfiles[@]}"
check "the CI, image and pipeline files install only with npm ci" node "$here/lockfile.mjs" npm-ci .ci/run Dockerfile Jenkinsfile
check "the toolbox image and the pipeline scripts install no npm package" node "$here/lockfile.mjs" no-install ci/toolbox.Dockerfile ci/jenkins/*.sh

# --- 2. SBOMs
# The images: the Dockerfile copies these manifests and runs `npm ci --omit=dev --workspace <service>`.
image_sbom() {
  local service="$1"
  local out="$sboms/$service-image.cdx.json" tree="$work/tree-$service"
  grep -Eq "npm ci --omit=dev --workspace $service\$" Dockerfile \
    || { echo "the Dockerfile no longer installs the $service image with npm ci --omit=dev --workspace $service: update this check"; return 1; }
  "$bin/cyclonedx-npm" --omit dev --workspace "$service" --spec-version 1.6 --output-reproducible --validate \
    --output-file "$out" package.json >"$work/logs/cyclonedx-$service.log" 2>&1 || { cat "$work/logs/cyclonedx-$service.log"; return 1; }
  # The tree that command installs, from the same manifests (into a scratch directory, from npm's cache).
  mkdir -p "$tree"
  cp package.json package-lock.json .npmrc "$tree/"
  for ws in common publisher subscriber; do mkdir -p "$tree/$ws" && cp "$ws/package.json" "$tree/$ws/"; done
  (cd "$tree" && npm ci --omit=dev --workspace "$service" --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error) \
    >"$work/logs/npm-ci-$service.log" 2>&1 || { cat "$work/logs/npm-ci-$service.log"; return 1; }
  node "$here/sbom.mjs" "$service-image" "$out" --lock package-lock.json --installed "$tree/node_modules"
}
lambda_sbom() {
  rm -f subscriber/dist/lambda.zip subscriber/dist/lambda.cdx.json
  npm run build:lambda --silent -w subscriber || return 1
  [[ -s subscriber/dist/lambda.zip && -s subscriber/dist/lambda.cdx.json ]] || { echo "build:lambda wrote no lambda.zip or lambda.cdx.json"; return 1; }
  cp subscriber/dist/lambda.cdx.json "$sboms/lambda.cdx.json"
  node "$here/sbom.mjs" lambda "$sboms/lambda.cdx.json" --lock package-lock.json
}
check "SBOM of the publisher image" image_sbom publisher
check "SBOM of the subscriber image" image_sbom subscriber
check "SBOM of the Lambda zip" lambda_sbom

# --- 3. licences
licences() {
  local files=("$sboms"/{publisher-image,subscriber-image,lambda}.cdx.json) f
  for f in "${files[@]}"; do [[ -s "$f" ]] || { echo "no SBOM $f"; return 1; }; done
  node "$here/licences.mjs" "${files[@]}"
}
check "licences of the production dependencies" licences

# --- 4. unit tests
check "unit tests (lockfile, SBOM and licence checks; audit gate)" node --test --test-concurrency=1 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=junit --test-reporter-destination="$reports/supply-chain.junit.xml" \
  "$here/checks.test.mjs" "$here/audit-gate.test.mjs"

# --- 5. checkov
checkov_scan() {
  bash scripts/terraform/install-tools.sh checkov >"$work/logs/install-checkov.log" 2>&1 || { tail -20 "$work/logs/install-checkov.log"; return 1; }
  local CHECKOV_BIN CHECKOV_VERSION
  eval "$(bash scripts/terraform/install-tools.sh --print-env | grep -E '^CHECKOV_(BIN|VERSION)=')"
  bash scripts/charts/install-tools.sh >"$work/logs/install-charts.log" 2>&1 || { tail -20 "$work/logs/install-charts.log"; return 1; }
  # shellcheck source=../charts/versions.sh
  source scripts/charts/versions.sh
  [[ -x "$CHECKOV_BIN" && -x "$HELM_BIN" ]] || { echo "checkov ($CHECKOV_BIN) or helm ($HELM_BIN) missing"; return 1; }
  local rendered="$work/rendered" chart file label args
  mkdir -p "$rendered"
  # An empty, private helm home: no user repositories, plugins or settings.
  export HELM_CONFIG_HOME="$work/helm/config" HELM_CACHE_HOME="$work/helm/cache" HELM_DATA_HOME="$work/helm/data"
  for chart in helm-charts/*/; do
    chart="$(basename "$chart")"
    grep -Eq '^type: *library' "helm-charts/$chart/Chart.yaml" && continue
    for file in - "helm-charts/$chart/values-production.yaml" "helm-charts/$chart"/ci/*.yaml; do
      if [[ "$file" == - ]]; then label=default; args=(); else [[ -f "$file" ]] || continue; label="$(basename "$file" .yaml)"; args=(-f "$file"); fi
      "$HELM_BIN" template "$chart" "helm-charts/$chart" --namespace pubsub-ingest "${args[@]}" >"$rendered/$chart--$label.yaml" 2>"$work/logs/helm.log" \
        || { cat "$work/logs/helm.log"; return 1; }
    done
  done
  local files=("$rendered"/*.yaml)
  echo "checkov $CHECKOV_VERSION on Dockerfile, ci/toolbox.Dockerfile and ${#files[@]} rendered value sets: ${files[*]##*/}"
  local outputs=() i=0 ids group status=0
  "$CHECKOV_BIN" --framework dockerfile --file Dockerfile --file ci/toolbox.Dockerfile \
    --skip-download --compact --output json >"$work/checkov-dockerfile.json" 2>>"$work/logs/checkov.log" || status=$?
  outputs+=("$work/checkov-dockerfile.json")
  # One run per distinct set of skips (checkov's --skip-check applies to a whole run).
  node "$here/checkov.mjs" groups "$here/checkov-skips.json" "${files[@]}" >"$work/groups.txt" || return 1
  while read -r ids group; do
    i=$((i + 1))
    local skip=(); [[ "$ids" != - ]] && skip=(--skip-check "$ids")
    # shellcheck disable=SC2086 # a group is a list of file names without spaces
    "$CHECKOV_BIN" --framework kubernetes $(printf -- '--file %s ' $group) "${skip[@]}" \
      --skip-download --compact --output json >"$work/checkov-kubernetes-$i.json" 2>>"$work/logs/checkov.log" || status=$?
    outputs+=("$work/checkov-kubernetes-$i.json")
  done <"$work/groups.txt"
  node "$here/checkov.mjs" summary "$here/checkov-skips.json" dockerfile kubernetes -- "${outputs[@]}" || return 1
  (( status == 0 )) || { echo "checkov exited $status"; tail -20 "$work/logs/checkov.log"; return 1; }
}
check "checkov (dockerfile; kubernetes on the rendered charts)" checkov_scan

echo
echo "== supply chain ($(( $(date +%s) - start )) s; SBOMs in $sboms)"
printf '  %s\n' "${summary[@]}"
echo "supply-chain: $passed passed, $failed failed"
(( failed == 0 ))
