#!/usr/bin/env bash
# Installs the pinned infrastructure tools into the cache directory, building
# the Go tools from source through the Go module proxy:
#
#   OpenTofu, the hashicorp/aws provider (as a filesystem mirror), TFLint,
#   Checkov and the moto SNS/SQS emulator (both from PyPI, in virtual
#   environments).
#
# Everything goes to ${PUBSUB_INGEST_CACHE:-$HOME/.cache/pubsub-ingest}/tools/<tool>-<version>/.
# A tool that is present is skipped, and the Go build cache lives in the same
# directory, so a second run takes seconds and a rebuild after a version bump is
# incremental.
#
# Usage: scripts/terraform/install-tools.sh [--print-env | TOOL...]
#   --print-env  only print the shell variables describing the installed tools
#   TOOL...      install only these (tofu, tflint, aws-provider, checkov, moto); default all
#
# Environment:
#   PUBSUB_INGEST_CACHE  cache directory (default: ~/.cache/pubsub-ingest)
#   GO_BUILD_JOBS        parallel Go compile jobs (default: number of CPUs, at most 2)
set -euo pipefail

# --- Pinned versions ----------------------------------------------------------
TOFU_VERSION="1.12.6"
TFLINT_VERSION="0.64.0"
CHECKOV_VERSION="3.3.30"
MOTO_VERSION="5.2.5"
# The provider's Go module has no /v6 suffix, so the module proxy cannot serve
# its v6.x.y tags as versions; it serves commits as pseudo-versions instead.
# This one is the main branch of 2026-06-02 (after 6.47.0, whose repository
# version file says 6.47.1); it is mirrored as version 6.47.1.
AWS_PROVIDER_VERSION="6.47.1"
AWS_PROVIDER_MODULE_VERSION="v1.60.1-0.20260602190131-5f2286d6d836"

CACHE_DIR="${PUBSUB_INGEST_CACHE:-$HOME/.cache/pubsub-ingest}"
TOOLS_DIR="$CACHE_DIR/tools"

TOFU_BIN="$TOOLS_DIR/tofu-$TOFU_VERSION/tofu"
TFLINT_BIN="$TOOLS_DIR/tflint-$TFLINT_VERSION/tflint"
CHECKOV_BIN="$TOOLS_DIR/checkov-$CHECKOV_VERSION/bin/checkov"
MOTO_DIR="$TOOLS_DIR/moto-$MOTO_VERSION"
AWS_PROVIDER_MIRROR="$TOOLS_DIR/terraform-provider-aws-$AWS_PROVIDER_VERSION"
AWS_PROVIDER_BIN="$AWS_PROVIDER_MIRROR/registry.terraform.io/hashicorp/aws/$AWS_PROVIDER_VERSION/linux_amd64/terraform-provider-aws_v$AWS_PROVIDER_VERSION"

print_env() {
  cat <<EOF
TOFU_VERSION=$TOFU_VERSION
TFLINT_VERSION=$TFLINT_VERSION
CHECKOV_VERSION=$CHECKOV_VERSION
AWS_PROVIDER_VERSION=$AWS_PROVIDER_VERSION
AWS_PROVIDER_MODULE_VERSION=$AWS_PROVIDER_MODULE_VERSION
CACHE_DIR=$CACHE_DIR
TOFU_BIN=$TOFU_BIN
TFLINT_BIN=$TFLINT_BIN
CHECKOV_BIN=$CHECKOV_BIN
MOTO_VERSION=$MOTO_VERSION
MOTO_DIR=$MOTO_DIR
AWS_PROVIDER_MIRROR=$AWS_PROVIDER_MIRROR
AWS_PROVIDER_BIN=$AWS_PROVIDER_BIN
EOF
}

if [[ "${1:-}" == "--print-env" ]]; then
  print_env
  exit 0
fi

selected=("$@")
wanted() {
  [[ ${#selected[@]} -eq 0 ]] && return 0
  local t
  for t in "${selected[@]}"; do [[ "$t" == "$1" ]] && return 0; done
  return 1
}

log() { printf '[install-tools %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { log "ERROR: $*" >&2; exit 1; }

mkdir -p "$TOOLS_DIR" "$CACHE_DIR/logs" "$CACHE_DIR/src"

# One installer at a time per cache directory (CI and a developer may share it).
exec 9>"$TOOLS_DIR/.install.lock"
if ! flock -n 9; then
  log "another installation holds $TOOLS_DIR/.install.lock; waiting"
  flock 9
fi

# --- Go environment -------------------------------------------------------------
command -v go >/dev/null || die "go is not installed (Go 1.26 or later is needed)"
cpus="$(nproc 2>/dev/null || echo 2)"
jobs="${GO_BUILD_JOBS:-$(( cpus < 2 ? cpus : 2 ))}"
export GOCACHE="$CACHE_DIR/go/build-cache"
export GOMODCACHE="$CACHE_DIR/go/mod-cache"
export GOTOOLCHAIN=local
export GOFLAGS="-mod=mod -trimpath"
export CGO_ENABLED=0
export GOMAXPROCS="$jobs"
export GOPROXY="${GOPROXY:-https://proxy.golang.org}"
[[ "$GOPROXY" == *direct* ]] && export GOPROXY="https://proxy.golang.org"

# Runs a command, logs its full output to a file, prints the wall time and the
# peak memory (from /usr/bin/time when it is installed).
timed() {
  local name="$1"; shift
  local logfile="$CACHE_DIR/logs/$name.log"
  local start end rc=0
  start="$(date +%s)"
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -v "$@" >"$logfile" 2>&1 || rc=$?
  else
    "$@" >"$logfile" 2>&1 || rc=$?
  fi
  end="$(date +%s)"
  local rss
  rss="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$logfile" | tail -1)"
  if [[ $rc -ne 0 ]]; then
    tail -30 "$logfile" >&2
    die "$name failed after $((end - start)) s (log: $logfile)"
  fi
  log "$name done in $((end - start)) s${rss:+, peak memory $((rss / 1024)) MiB}"
  printf '%s wall_seconds=%s peak_rss_kib=%s\n' "$name" "$((end - start))" "${rss:-unknown}" >>"$CACHE_DIR/logs/build-times.txt"
}

# go_build NAME VERSION MODULE MODULE_VERSION PACKAGE OUTPUT [LDFLAGS]
# Builds inside a copy of the downloaded module, so that its replace directives
# apply (go install ignores them).
go_build() {
  local name="$1" version="$2" module="$3" modversion="$4" package="$5" output="$6" ldflags="${7:-}"
  if [[ -x "$output" ]]; then
    log "$name $version: present"
    return 0
  fi
  log "$name $version: building from $module@$modversion with $jobs job(s) (cold builds of the AWS provider take long)"
  local json dir src="$CACHE_DIR/src/$name-$version"
  json="$(go mod download -json "$module@$modversion")" || die "cannot download $module@$modversion"
  dir="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -d "$dir" ]] || die "no source directory for $module@$modversion: $json"
  rm -rf "$src"
  cp -r "$dir" "$src"
  chmod -R u+w "$src"
  timed "$name-$version-download" bash -c "cd '$src' && go mod download"
  mkdir -p "$(dirname "$output")"
  timed "$name-$version-build" bash -c "cd '$src' && go build -p $jobs -ldflags '-s -w $ldflags' -o '$output.tmp' '$package'"
  mv "$output.tmp" "$output"
  rm -rf "$src"
}

total_start="$(date +%s)"

wanted tofu && go_build tofu "$TOFU_VERSION" github.com/opentofu/opentofu "v$TOFU_VERSION" ./cmd/tofu "$TOFU_BIN" \
  "-X github.com/opentofu/opentofu/version.dev=no"

wanted tflint && go_build tflint "$TFLINT_VERSION" github.com/terraform-linters/tflint "v$TFLINT_VERSION" . "$TFLINT_BIN"

wanted aws-provider && go_build terraform-provider-aws "$AWS_PROVIDER_VERSION" github.com/hashicorp/terraform-provider-aws \
  "$AWS_PROVIDER_MODULE_VERSION" . "$AWS_PROVIDER_BIN" \
  "-X github.com/hashicorp/terraform-provider-aws/version.ProviderVersion=$AWS_PROVIDER_VERSION"

# OpenTofu looks providers up by registry.opentofu.org/hashicorp/aws, Terraform
# by registry.terraform.io/hashicorp/aws: the mirror answers both. The second
# name is a hard link (the mirror scan does not follow directory symlinks).
if wanted aws-provider; then
  alias_dir="$AWS_PROVIDER_MIRROR/registry.opentofu.org/hashicorp/aws/$AWS_PROVIDER_VERSION/linux_amd64"
  alias_bin="$alias_dir/$(basename "$AWS_PROVIDER_BIN")"
  if [[ -L "$AWS_PROVIDER_MIRROR/registry.opentofu.org/hashicorp/aws" || ! "$alias_bin" -ef "$AWS_PROVIDER_BIN" ]]; then
    rm -rf "$AWS_PROVIDER_MIRROR/registry.opentofu.org"
    mkdir -p "$alias_dir"
    ln "$AWS_PROVIDER_BIN" "$alias_bin" 2>/dev/null || cp "$AWS_PROVIDER_BIN" "$alias_bin"
  fi
fi

# --- Python tools (PyPI) --------------------------------------------------------------
# pip_tool NAME VERSION REQUIREMENT DIR
pip_tool() {
  local name="$1" version="$2" requirement="$3" dir="$4"
  if [[ -f "$dir/.installed" ]]; then
    log "$name $version: present"
    return 0
  fi
  command -v python3 >/dev/null || die "python3 is not installed"
  log "$name $version: installing from PyPI"
  rm -rf "$dir"
  python3 -m venv "$dir"
  timed "$name-$version-install" \
    "$dir/bin/python" -m pip install --disable-pip-version-check --no-input "$requirement"
  touch "$dir/.installed"
}

wanted checkov && pip_tool checkov "$CHECKOV_VERSION" "checkov==$CHECKOV_VERSION" "$TOOLS_DIR/checkov-$CHECKOV_VERSION"
wanted moto && pip_tool moto "$MOTO_VERSION" "moto[server]==$MOTO_VERSION" "$MOTO_DIR"

# --- Sanity -------------------------------------------------------------------------
if wanted tofu; then TF_CLI_CONFIG_FILE=/dev/null "$TOFU_BIN" version >/dev/null || die "tofu does not run"; fi
if wanted tflint; then "$TFLINT_BIN" --version >/dev/null || die "tflint does not run"; fi
if wanted checkov; then "$CHECKOV_BIN" --version >/dev/null || die "checkov does not run"; fi
if wanted moto; then [[ -x "$MOTO_DIR/bin/moto_server" ]] || die "moto is missing"; fi
if wanted aws-provider; then [[ -x "$AWS_PROVIDER_BIN" ]] || die "the AWS provider is missing"; fi

log "tools ready in $(( $(date +%s) - total_start )) s"
