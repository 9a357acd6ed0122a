#!/usr/bin/env bash
# `npm run test:pipeline`: the Jenkinsfile linted by npm-groovy-lint (CodeNarc, with the rules of
# .groovylintrc.json; any finding fails), then references.test.mjs and the tests of the GitOps
# scripts the pipeline runs. npm-groovy-lint is installed, pinned by lint-tools/package-lock.json,
# into the tool cache; it needs Java 17 or later. JUnit: ${REPORTS_DIR:-reports}/pipeline.junit.xml.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"
fail() { echo "test:pipeline: FAIL: $*" >&2; exit 1; }

java_major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
[[ -n "$java_major" ]] || fail "java not found (npm-groovy-lint runs CodeNarc on Java 17 or later)"
(( ${java_major%%.*} >= 17 )) || fail "java $java_major found; npm-groovy-lint needs 17 or later"

cache="${PUBSUB_INGEST_CACHE:-$HOME/.cache/pubsub-ingest}"
tools="$cache/tools/npm-groovy-lint-$(cat "$here/lint-tools/package.json" "$here/lint-tools/package-lock.json" | sha256sum | cut -c1-12)"
if [[ ! -x "$tools/node_modules/.bin/npm-groovy-lint" ]]; then
  echo "installing npm-groovy-lint into $tools ..." >&2
  rm -rf "$tools"; mkdir -p "$tools"
  cp "$here/lint-tools/package.json" "$here/lint-tools/package-lock.json" "$tools/"
  npm ci --prefix "$tools" --no-fund --no-audit --silent || fail "npm-groovy-lint could not be installed"
fi

echo "--- npm-groovy-lint Jenkinsfile"
lint_log="$(mktemp)"; trap 'rm -f "$lint_log"' EXIT
status=0
"$tools/node_modules/.bin/npm-groovy-lint" --noserver --failon info --output txt Jenkinsfile >"$lint_log" 2>&1 || status=$?
sed -i 's/\x1b\[[0-9;]*m//g' "$lint_log"
cat "$lint_log"
grep -q "results in 1 linted files" "$lint_log" || fail "npm-groovy-lint did not lint the Jenkinsfile"
(( status == 0 )) || fail "npm-groovy-lint reported findings (exit $status)"

echo "--- references and GitOps scripts"
reports="${REPORTS_DIR:-$repo/reports}"
mkdir -p "$reports"
node --test --test-concurrency=1 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=junit --test-reporter-destination="$reports/pipeline.junit.xml" \
  "$here/references.test.mjs" scripts/gitops/env-values.test.mjs scripts/gitops/push.test.mjs
