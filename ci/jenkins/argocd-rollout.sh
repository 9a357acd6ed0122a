#!/bin/sh
# After the GitOps bump: makes Argo CD see the new commit at once, syncs when the environment
# has no automated sync (prod: the pipeline's approval is the decision), then waits until the
# applications are synced and healthy. ARGOCD_SERVER and ARGOCD_AUTH_TOKEN come from the pipeline.
#   sh ci/jenkins/argocd-rollout.sh <env> [timeout-seconds]
set -eu
env_name=$1 timeout=${2:-900}
apps="$env_name-publisher $env_name-subscriber"
for app in "pubsub-ingest-$env_name" $apps; do
  argocd app get "$app" --refresh --grpc-web >/dev/null
done
if [ "$env_name" = prod ]; then
  # shellcheck disable=SC2086 # one argument per application
  argocd app sync $apps --grpc-web --timeout "$timeout"
fi
# shellcheck disable=SC2086
argocd app wait $apps --sync --health --grpc-web --timeout "$timeout"
