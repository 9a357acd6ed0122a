#!/usr/bin/env bash
# Installs the conformance stage's Python tools from PyPI into a virtual environment in the tool
# cache: schemathesis (fuzzes the API from its OpenAPI document) and moto's server (the second
# SNS/SQS emulator), with moto's SQS delete race closed (patch-moto.py). A present environment
# with the same pins is reused.
#
#   PUBSUB_INGEST_CACHE  cache root (default: $HOME/.cache/pubsub-ingest)
#   --print-env          only print the variables naming the installed tools
set -euo pipefail

SCHEMATHESIS_VERSION="4.32.5"
MOTO_VERSION="5.2.5"

cache="${PUBSUB_INGEST_CACHE:-$HOME/.cache/pubsub-ingest}"
venv="$cache/tools/conformance-schemathesis-$SCHEMATHESIS_VERSION-moto-$MOTO_VERSION"

if [[ "${1:-}" == "--print-env" ]]; then
  echo "SCHEMATHESIS_BIN=$venv/bin/schemathesis"
  echo "MOTO_SERVER=$venv/bin/moto_server"
  exit 0
fi

command -v python3 >/dev/null 2>&1 || { echo "python3 is required for the conformance stage but was not found on PATH" >&2; exit 1; }
# moto's SQS loses messages when a delete and a publish race (see patch-moto.py).
patch_moto() {
  "$venv/bin/python" "$(dirname "${BASH_SOURCE[0]}")/patch-moto.py" \
    "$("$venv/bin/python" -c 'import moto.sqs.models as m; print(m.__file__)')"
}
if [[ -x "$venv/bin/schemathesis" && -x "$venv/bin/moto_server" && -f "$venv/.done" ]]; then
  patch_moto
  echo "[conformance tools] schemathesis $SCHEMATHESIS_VERSION and moto $MOTO_VERSION: already installed" >&2
  exit 0
fi
start=$(date +%s)
echo "[conformance tools] installing schemathesis $SCHEMATHESIS_VERSION and moto[server] $MOTO_VERSION from PyPI into $venv ..." >&2
rm -rf "$venv"
python3 -m venv "$venv"
PIP_ROOT_USER_ACTION=ignore "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input \
  "schemathesis==$SCHEMATHESIS_VERSION" "moto[server]==$MOTO_VERSION" >&2
"$venv/bin/schemathesis" --version >&2
patch_moto
touch "$venv/.done"
echo "[conformance tools] installed in $(( $(date +%s) - start )) s" >&2
