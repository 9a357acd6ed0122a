# Backend settings of the prod environment: tofu -chdir=terraform/deployment init -backend-config=../envs/prod/backend.hcl
# The bucket is a placeholder: set the state bucket of the prod account before the first init.
bucket       = "example-pubsub-ingest-prod-tfstate"
region       = "eu-west-1"
key          = "pubsub-ingest/prod/terraform.tfstate"
encrypt      = true
use_lockfile = true
