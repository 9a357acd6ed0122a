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
# SBOMs go to $REPORTS_DIR/sbom (default reports/sbom), JUnit to $REPORTS_DIR/supply-chain.junit.xml.
# Needs the npm devDependencies (npm ci) and the built workspaces (npm run build).
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

echo
echo "== supply chain ($(( $(date +%s) - start )) s; SBOMs in $sboms)"
printf '  %s\n' "${summary[@]}"
echo "supply-chain: $passed passed, $failed failed"
(( failed == 0 ))
