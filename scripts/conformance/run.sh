#!/usr/bin/env bash
# npm run test:conformance: the checks that need Python besides Node.js.
#   1. the jest suite against a second SNS/SQS emulator, moto's server, so behaviour one emulator
#      forgives cannot hide a bug;
#   2. a chaos run against moto, at a rate moto can carry;
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
# moto answers every ReceiveMessage by scanning its whole queue once per message taken (its
# retention check recomputes every queue attribute), so the backlog the kills build at the fauxqs
# run's 250/s makes its drain quadratic and it stalls; at 60/s it keeps up. This run checks
# behaviour against a second implementation, not throughput.
step "chaos run on moto (1500 messages at 60/s)" node chaos/dist/main.js --messages 1500 --rate 60 --emulator moto
step "schemathesis and audit" node scripts/conformance/fuzz-api.mjs --examples "${SCHEMATHESIS_EXAMPLES:-1000}"

echo "conformance: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
