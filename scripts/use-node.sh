# Puts Node.js 24 on PATH for this shell: `source scripts/use-node.sh`.
# The machine's Node is used when it is new enough; otherwise Node 24 is installed once from the
# npm registry (the `node-<os>-<arch>` package ships the official binary) into a cache directory.
pubsub_ingest_use_node() {
  local want_major=24 version=24.21.0
  local current
  current=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$current" -ge "$want_major" ]; then return 0; fi

  local cache="${PUBSUB_INGEST_CACHE:-$HOME/.cache/pubsub-ingest}"
  local prefix="$cache/node-$version"
  local os arch
  case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) echo "unsupported OS $(uname -s)" >&2; return 1 ;; esac
  case "$(uname -m)" in x86_64) arch=x64 ;; aarch64|arm64) arch=arm64 ;; *) echo "unsupported CPU $(uname -m)" >&2; return 1 ;; esac

  if [ ! -x "$prefix/node_modules/.bin/node" ] || [ ! -e "$prefix/node_modules/.bin/npm" ]; then
    echo "Installing Node.js $version (node-$os-$arch) and npm 11 into $prefix ..." >&2
    mkdir -p "$prefix"
    npm install --no-save --no-package-lock --silent --prefix "$prefix" "node-$os-$arch@$version" npm@11 >&2 || return 1
  fi
  export PATH="$prefix/node_modules/.bin:$PATH"
  hash -r
  echo "Using Node.js $(node --version) and npm $(npm --version) from $prefix" >&2
}
pubsub_ingest_use_node
