#!/bin/sh
# Writes a registry auth file ($DOCKER_CONFIG/config.json) for the given image repositories'
# ECR registries, from the IRSA role of the pod (GetAuthorizationToken). BuildKit reads it.
#   sh ci/jenkins/ecr-login.sh <repository>...
set -eu
: "${DOCKER_CONFIG:?DOCKER_CONFIG must name the directory of the auth file}"
mkdir -p "$DOCKER_CONFIG"
umask 077
auth=$(printf 'AWS:%s' "$(aws ecr get-login-password --region "${AWS_REGION:?}")" | base64 | tr -d '\n')
entries=""
for repository in "$@"; do
  registry=${repository%%/*}
  entries="$entries${entries:+,}\"$registry\":{\"auth\":\"$auth\"}"
done
printf '{"auths":{%s}}\n' "$entries" >"$DOCKER_CONFIG/config.json"
echo "ecr-login: $# repositories"
