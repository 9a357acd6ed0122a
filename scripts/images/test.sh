#!/usr/bin/env bash
# `npm run test:images`: builds the local base and both images with podman, then runs them as the
# rendered Helm charts describe (images.test.mjs) against a real Postgres and the SNS/SQS emulator.
# Needs root, podman, runc, slirp4netns and debootstrap (.ci/run installs them), the built
# workspaces (`npm run build`) and the chart tools (scripts/charts/install-tools.sh).
# A missing tool fails the run; nothing is skipped.
#
#   REPORTS_DIR   where the JUnit file and the JSON report go (default: reports/)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
source "$here/env.sh"
# shellcheck source=../charts/versions.sh
source "$images_repo/scripts/charts/versions.sh"
cd "$images_repo"
# shellcheck source=../use-node.sh
source scripts/use-node.sh

fail() { echo "test:images: FAIL: $*" >&2; exit 1; }
for tool in podman runc slirp4netns debootstrap; do
  command -v "$tool" >/dev/null || fail "$tool not found (Debian: apt-get install podman runc slirp4netns debootstrap)"
done
[[ -f local-stack/dist/bin/server.js ]] || fail "local-stack is not built (npm run build)"
bash scripts/charts/install-tools.sh >/dev/null 2>&1 || fail "the chart tools could not be installed (bash scripts/charts/install-tools.sh)"
[[ -x "$HELM_BIN" ]] || fail "helm missing: $HELM_BIN"

reports="${REPORTS_DIR:-$images_repo/reports}"
mkdir -p "$reports"
start=$(date +%s)
declare -A image
while read -r service name; do image[$service]="$name"; done < <(bash "$here/build.sh")
built=$(( $(date +%s) - start ))

export HELM_BIN UPSTREAM_BASE_IMAGE IMAGE_REPORT="$reports/images.json"
rm -f "$IMAGE_REPORT"
export PUBLISHER_IMAGE="${image[publisher]}" SUBSCRIBER_IMAGE="${image[subscriber]}"
status=0
node --test --test-concurrency=1 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=junit --test-reporter-destination="$reports/images.junit.xml" \
  "$here/images.test.mjs" || status=$?

echo "images: built in ${built}s, tested in $(( $(date +%s) - start - built ))s"
[[ -f "$IMAGE_REPORT" ]] && node -e '
  const r = require(process.argv[1]);
  for (const [s, i] of Object.entries(r.images)) console.log(`  ${s}: ${i.image}, ${i.sizeMB} MB`);
  for (const [s, t] of Object.entries(r.startup)) console.log(`  ${s}: startup probe after ${t.startupProbeMs} ms, /readyz 200 after ${t.readyzMs} ms`);
  for (const [s, m] of Object.entries(r.memory)) console.log(`  ${s} memory: ${JSON.stringify(m)}`);
  console.log(`  migration: ${JSON.stringify(r.migration)}; SIGTERM to exit: ${JSON.stringify(r.shutdown)}`);
' "$IMAGE_REPORT"
exit "$status"
