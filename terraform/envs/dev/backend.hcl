# Backend settings of the dev environment: tofu -chdir=terraform/deployment init -backend-config=../envs/dev/backend.hcl
# The bucket is a placeholder: set the state bucket of the dev account before the first init.
bucket       = "example-pubsub-ingest-dev-tfstate"
region       = "eu-west-1"
key          = "pubsub-ingest/dev/terraform.tfstate"
encrypt      = true
use_lockfile = true
