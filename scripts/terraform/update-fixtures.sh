#!/usr/bin/env bash
# Writes terraform/deployment/tests/fixtures/<env>.json for every environment:
# the outputs of the deployment composition with envs/<env>/terraform.tfvars
# (AWS mocked, as in its tests/<env>.tftest.hcl). The chart checks render the
# charts with these Helm values and check them against these identities and
# networks; the Terraform checks fail when the outputs and the fixture differ.
# Run it after an intended change of the outputs, and commit the fixtures.
#
# Usage: scripts/terraform/update-fixtures.sh [ENV...]
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
TF_ROOT="$REPO_ROOT/terraform"

bash "$SCRIPT_DIR/install-tools.sh" tofu aws-provider
eval "$(bash "$SCRIPT_DIR/install-tools.sh" --print-env)"
# shellcheck source=tofu-env.sh
source "$SCRIPT_DIR/tofu-env.sh"

# The outputs the chart checks read.
OUTPUTS="helm_values platform_helm_values workload_identities aws_region namespace network node_groups database_ca_cert_identifier queue_name dlq_name"

work="$(mktemp -d "${TMPDIR:-/tmp}/pubsub-ingest-tf-fixtures.XXXXXX")"
trap 'rm -rf "$work"' EXIT
(cd "$TF_ROOT" && tar --exclude=.terraform --exclude=.terraform.lock.hcl --exclude='*.tfstate*' -cf - .) | (cd "$work" && tar -xf -)
"$TOFU_BIN" -chdir="$work/deployment" init -backend=false -input=false -no-color >/dev/null

if (($#)); then envs=("$@"); else mapfile -t envs < <(cd "$TF_ROOT/envs" && find . -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort); fi
for env in "${envs[@]}"; do
  # The run "outputs" of tests/<env>.tftest.hcl applies the composition; its
  # state is printed with -verbose, whatever the later runs find.
  "$TOFU_BIN" -chdir="$work/deployment" test -json -verbose -no-color \
    -var-file="../envs/$env/terraform.tfvars" -filter="tests/$env.tftest.hcl" >"$work/$env.jsonl" || true
  python3 - "$work/$env.jsonl" "$TF_ROOT/deployment/tests/fixtures/$env.json" "$OUTPUTS" <<'PY'
import json, sys
src, dst, names = sys.argv[1], sys.argv[2], sys.argv[3].split()
state = None
for line in open(src):
    msg = json.loads(line)
    if msg.get("type") == "diagnostic" and msg["diagnostic"]["severity"] == "error" and msg.get("@testrun") in (None, "outputs"):
        sys.exit(f"{src}: {msg['diagnostic']['summary']}: {msg['diagnostic'].get('detail', '')}")
    if msg.get("type") == "test_state" and msg.get("@testrun") == "outputs":
        state = msg["test_state"]
if state is None:
    sys.exit(f"{src}: no state of run \"outputs\"")
outputs = state["values"]["outputs"]
missing = [n for n in names if n not in outputs]
if missing:
    sys.exit(f"outputs missing: {missing}")
with open(dst, "w") as f:
    json.dump({n: outputs[n]["value"] for n in names}, f, indent=2, sort_keys=True)
    f.write("\n")
print(f"wrote {dst}")
PY
done
