#!/usr/bin/env bash
# npm run test:conformance: the checks that need Python besides Node.js.
#   1. the jest suite against a second SNS/SQS emulator, moto's server, so behaviour one emulator
#      forgives cannot hide a bug;
#   2. the chaos quick run against moto;
#   3. schemathesis against the publisher's served OpenAPI document (all checks, every phase,
#      SCHEMATHESIS_EXAMPLES examples per operation, default 1000), then an audit that every 202
#      it got is stored unchanged.
# Every step runs even when an earlier one failed; the last line is `conformance: N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/../.."

if ! bash scripts/conformance/install-tools.sh; then
  echo "conformance: 0 passed, 1 failed (installing the tools failed)"
  exit 1
fi
eval "$(bash scripts/conformance/install-tools.sh --print-env)"
export MOTO_SERVER SCHEMATHESIS_BIN

passed=0
failed=0
step() {
  local name="$1"; shift
  local start
  start=$(date +%s)
  echo "--- conformance: $name"
  if "$@"; then
    passed=$((passed + 1)); echo "--- conformance: $name passed in $(( $(date +%s) - start )) s"
  else
    failed=$((failed + 1)); echo "--- conformance: $name FAILED after $(( $(date +%s) - start )) s"
  fi
}

step "jest suite on moto" env TEST_EMULATOR=moto PROPERTY_RUNS="${CONFORMANCE_PROPERTY_RUNS:-20}" npm run --silent test:jest
step "chaos quick run on moto" node chaos/dist/main.js --quick --emulator moto
step "schemathesis and audit" node scripts/conformance/fuzz-api.mjs --examples "${SCHEMATHESIS_EXAMPLES:-1000}"

echo "conformance: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
