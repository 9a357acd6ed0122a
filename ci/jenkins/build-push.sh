#!/bin/sh
# Builds one target of the Dockerfile with rootless BuildKit and pushes it under every name given.
#   sh ci/jenkins/build-push.sh <target> <image:tag>...
# Reads VERSION, REVISION, CREATED and SOURCE for the OCI labels; DOCKER_CONFIG for the registries.
set -eu
target=$1; shift
names=$(printf '%s,' "$@"); names=${names%,}
buildctl-daemonless.sh build \
  --frontend dockerfile.v0 \
  --local context=. --local dockerfile=. \
  --opt target="$target" \
  --opt build-arg:VERSION="${VERSION:?}" \
  --opt build-arg:REVISION="${REVISION:?}" \
  --opt build-arg:CREATED="${CREATED:?}" \
  --opt build-arg:SOURCE="${SOURCE:-}" \
  --output type=image,\"name="$names"\",push=true \
  --metadata-file "reports/image-$target.json"
echo "build-push: $target -> $names"
