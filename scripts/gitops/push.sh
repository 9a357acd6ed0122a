#!/usr/bin/env bash
# The pipeline's GitOps step: sets the image tag of an environment's publisher and subscriber
# values (argocd/environments/<env>/), commits, and pushes to the branch Argo CD follows,
# rebasing onto it when it moved meanwhile. Nothing is committed when the tag is already there.
#   bash scripts/gitops/push.sh <env> <tag>     (GITOPS_REMOTE, default origin; GITOPS_BRANCH, default main)
set -euo pipefail
env_name="$1" tag="$2"
remote="${GITOPS_REMOTE:-origin}" branch="${GITOPS_BRANCH:-main}"
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

git fetch --quiet "$remote" "$branch"
git checkout --quiet -B "gitops-$env_name" FETCH_HEAD
changed="$(node scripts/gitops/env-values.mjs set-image-tag "$env_name" "$tag")"
if [[ -z "$changed" ]]; then echo "gitops: $env_name already at $tag"; exit 0; fi
git add -- "argocd/environments/$env_name"
git -c user.name="${GIT_AUTHOR_NAME:-pubsub-ingest pipeline}" -c user.email="${GIT_AUTHOR_EMAIL:-pipeline@pubsub-ingest.invalid}" \
  commit --quiet -m "gitops: $env_name images $tag"
for attempt in 1 2 3; do
  if git push --quiet "$remote" "HEAD:$branch"; then echo "gitops: $env_name -> $tag pushed"; exit 0; fi
  echo "gitops: push refused (attempt $attempt), rebasing onto $remote/$branch" >&2
  git fetch --quiet "$remote" "$branch" && git rebase --quiet FETCH_HEAD
done
echo "gitops: could not push $env_name -> $tag" >&2
exit 1
