#!/usr/bin/env bash
# Runs every offline check of the Terraform/OpenTofu code under terraform/:
#
#   1. tofu fmt -check -recursive
#   2. tofu init -backend=false + tofu validate of every module, every module
#      example and the deployment composition, with the real hashicorp/aws provider
#      served from a local filesystem mirror
#   3. tofu test (mocked AWS provider) of every module that has tests, and of
#      the deployment composition once per environment, with that
#      environment's terraform.tfvars (its outputs are compared with the
#      fixture the chart checks render the charts with)
#   4. tflint (terraform ruleset, preset "all")
#   5. checkov
#   6. every environment is settings only: envs/<env>/ holds terraform.tfvars
#      and backend.hcl and no code; deployment/ is the one composition
#   7. the messaging module applied to a local SNS/SQS emulator, and a message
#      published through it (emulator-apply.sh; PUBSUB_INGEST_TF_EMULATOR=0
#      leaves it out, and the summary says so)
#
# The tools are installed (or found in the cache) by install-tools.sh first. A
# missing tool fails the run; nothing is ever skipped silently.
#
# Usage: scripts/terraform/check.sh
# Exit status: 0 when every check passed, 1 otherwise.
set -uo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
TF_ROOT="$REPO_ROOT/terraform"

run_start="$(date +%s)"

if ! bash "$SCRIPT_DIR/install-tools.sh"; then
  echo "check.sh: installing the tools failed" >&2
  echo "terraform: 0 passed, 1 failed"
  exit 1
fi
eval "$(bash "$SCRIPT_DIR/install-tools.sh" --print-env)"

for bin in "$TOFU_BIN" "$TFLINT_BIN" "$CHECKOV_BIN" "$AWS_PROVIDER_BIN" "$MOTO_DIR/bin/moto_server"; do
  if [[ ! -x "$bin" ]]; then
    echo "check.sh: missing tool $bin" >&2
    echo "terraform: 0 passed, 1 failed"
    exit 1
  fi
done

# --- OpenTofu configuration: providers only from the local mirror ---------------
# shellcheck source=tofu-env.sh
source "$SCRIPT_DIR/tofu-env.sh"

# init writes .terraform/ and lock files next to the code: work on a copy, so
# that the work tree stays clean and no lock file of a locally built provider
# (whose checksums differ from the registry's) can be committed by mistake.
WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/pubsub-ingest-tf-check.XXXXXX")"
emulator_pid=""
trap 'if [[ -n "$emulator_pid" ]]; then kill "$emulator_pid" 2>/dev/null; wait "$emulator_pid" 2>/dev/null; fi; rm -rf "$WORK_DIR"' EXIT
(cd "$TF_ROOT" && tar --exclude=.terraform --exclude=.terraform.lock.hcl --exclude='*.tfstate*' -cf - .) | (cd "$WORK_DIR" && tar -xf -)

# --- Bookkeeping -------------------------------------------------------------------
declare -a RESULTS=()
passed=0
failed=0
LOG_DIR="$WORK_DIR/.logs"
mkdir -p "$LOG_DIR"

# record NAME SECONDS RC LOGFILE: books one result, shows the log only on failure.
record() {
  local name="$1" secs="$2" rc="$3" logfile="$4"
  if [[ $rc -eq 0 ]]; then
    passed=$((passed + 1))
    RESULTS+=("PASS  ${secs}s  $name")
    printf 'PASS  %4ss  %s\n' "$secs" "$name"
  else
    failed=$((failed + 1))
    RESULTS+=("FAIL  ${secs}s  $name")
    printf 'FAIL  %4ss  %s\n' "$secs" "$name"
    sed 's/^/    | /' "$logfile" | tail -80
  fi
}

# check NAME COMMAND...: runs one check.
check() {
  local name="$1"; shift
  local logfile="$LOG_DIR/$(echo "$name" | tr '/ ' '__').log"
  local start rc
  start="$(date +%s)"
  "$@" >"$logfile" 2>&1
  rc=$?
  record "$name" "$(( $(date +%s) - start ))" "$rc" "$logfile"
  return $rc
}

tofu() { "$TOFU_BIN" "$@"; }

# Roots to validate: modules, their examples, environments.
mapfile -t MODULE_DIRS < <(cd "$WORK_DIR" && find modules -mindepth 1 -maxdepth 1 -type d | sort)
mapfile -t EXAMPLE_DIRS < <(cd "$WORK_DIR" && find modules -path '*/examples/*' -mindepth 3 -maxdepth 3 -type d | sort)
mapfile -t ENVS < <(cd "$WORK_DIR/envs" && find . -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
COMPOSITION_DIR="deployment"

if [[ ${#MODULE_DIRS[@]} -eq 0 || ${#ENVS[@]} -eq 0 || ! -d "$WORK_DIR/$COMPOSITION_DIR" ]]; then
  echo "check.sh: no module or environment found under $TF_ROOT" >&2
  echo "terraform: 0 passed, 1 failed"
  exit 1
fi

echo "== OpenTofu $TOFU_VERSION, hashicorp/aws $AWS_PROVIDER_VERSION (local mirror), TFLint $TFLINT_VERSION, Checkov $CHECKOV_VERSION"

# 7 (started first, runs alongside the others: it mostly waits for the
# emulator). Apply to a local emulator.
if [[ "${PUBSUB_INGEST_TF_EMULATOR:-1}" != "0" ]]; then
  emulator_log="$LOG_DIR/emulator.log"
  emulator_start="$(date +%s)"
  bash "$SCRIPT_DIR/emulator-apply.sh" >"$emulator_log" 2>&1 &
  emulator_pid=$!
fi

# 1. Formatting
check "fmt" tofu fmt -check -recursive -diff "$TF_ROOT"

# 2. init + validate
init_validate() {
  local dir="$WORK_DIR/$1"
  tofu -chdir="$dir" init -backend=false -input=false -no-color &&
    tofu -chdir="$dir" validate -no-color
}
for d in "${MODULE_DIRS[@]}" "${EXAMPLE_DIRS[@]}" "$COMPOSITION_DIR"; do
  check "validate $d" init_validate "$d"
done

# 3. Native tests
tofu_test() {
  local dir="$WORK_DIR/$1" out
  shift
  out="$(tofu -chdir="$dir" test -no-color "$@" 2>&1)"
  local rc=$?
  printf '%s\n' "$out"
  # The summary line reads "Success! N passed, 0 failed." (or "Failure! ...").
  local n
  n="$(printf '%s\n' "$out" | sed -n 's/.*[!] \([0-9][0-9]*\) passed, [0-9][0-9]* failed.*/\1/p' | tail -1)"
  [[ -n "$n" ]] && echo "$n" >>"$LOG_DIR/tofu-test-count"
  [[ $rc -eq 0 && -n "$n" && "$n" -gt 0 ]]
}
for d in "${MODULE_DIRS[@]}"; do
  if compgen -G "$WORK_DIR/$d/tests/*.tftest.hcl" >/dev/null; then
    check "test $d" tofu_test "$d"
  fi
done
# The composition, with the settings of each environment: the wiring tests,
# and the environment's own test (outputs equal to its fixture).
composition_test() {
  local env="$1"
  [[ -f "$WORK_DIR/$COMPOSITION_DIR/tests/$env.tftest.hcl" && -f "$WORK_DIR/$COMPOSITION_DIR/tests/fixtures/$env.json" ]] || {
    echo "environment $env has no tests/$env.tftest.hcl or tests/fixtures/$env.json in $COMPOSITION_DIR/"
    return 1
  }
  tofu_test "$COMPOSITION_DIR" -var-file="../envs/$env/terraform.tfvars" \
    -filter=tests/composition.tftest.hcl -filter="tests/$env.tftest.hcl"
}
for env in "${ENVS[@]}"; do
  check "test $COMPOSITION_DIR with envs/$env" composition_test "$env"
done

# 4. TFLint
check "tflint" "$TFLINT_BIN" --chdir="$TF_ROOT" --recursive --config="$TF_ROOT/.tflint.hcl" --format=compact --no-color

# 5. Checkov (on the source tree; .terraform directories are skipped by its config)
check "checkov" "$CHECKOV_BIN" --directory "$TF_ROOT" --config-file "$TF_ROOT/.checkov.yaml"

# 6. Environments are settings only: one composition, a tfvars and a backend
# file per environment, and each backend file has its own state key.
settings_only() {
  local env rc=0 extra keys
  for env in "${ENVS[@]}"; do
    extra="$(cd "$TF_ROOT/envs/$env" && find . -type f ! -name terraform.tfvars ! -name backend.hcl | sort)"
    if [[ -n "$extra" ]]; then echo "envs/$env holds more than settings: $extra"; rc=1; fi
    [[ -f "$TF_ROOT/envs/$env/terraform.tfvars" && -f "$TF_ROOT/envs/$env/backend.hcl" ]] || { echo "envs/$env lacks terraform.tfvars or backend.hcl"; rc=1; }
    grep -Eq "^environment *= *\"$env\"" "$TF_ROOT/envs/$env/terraform.tfvars" || { echo "envs/$env/terraform.tfvars does not set environment = \"$env\""; rc=1; }
    grep -Eq "^key *= *\"pubsub-ingest/$env/terraform.tfstate\"" "$TF_ROOT/envs/$env/backend.hcl" || { echo "envs/$env/backend.hcl does not use the state key of $env"; rc=1; }
  done
  keys="$(cat "$TF_ROOT"/envs/*/backend.hcl | grep -E '^key *=' | sort | uniq -d)"
  [[ -z "$keys" ]] || { echo "environments share a state key: $keys"; rc=1; }
  return $rc
}
check "envs are settings of the one composition" settings_only

# 7. Apply to a local emulator: collect the result
if [[ -n "$emulator_pid" ]]; then
  wait "$emulator_pid"
  emulator_rc=$?
  emulator_pid=""
  record "emulator apply modules/messaging" "$(( $(date +%s) - emulator_start ))" "$emulator_rc" "$emulator_log"
else
  RESULTS+=("SKIP  0s  emulator apply (PUBSUB_INGEST_TF_EMULATOR=0)")
  echo "SKIP        emulator apply (PUBSUB_INGEST_TF_EMULATOR=0)"
fi

# --- Summary -------------------------------------------------------------------------
tests_total=0
if [[ -f "$LOG_DIR/tofu-test-count" ]]; then
  while read -r n; do tests_total=$((tests_total + n)); done <"$LOG_DIR/tofu-test-count"
fi

echo
echo "== Summary ($(( $(date +%s) - run_start )) s; tofu test runs passed: $tests_total)"
for r in "${RESULTS[@]}"; do echo "  $r"; done
echo "terraform: $passed passed, $failed failed"

[[ $failed -eq 0 ]]
