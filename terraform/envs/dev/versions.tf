terraform {
  required_version = ">= 1.10.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.47"
    }
  }

  # S3 state with S3-native locking (no DynamoDB table). The bucket and its
  # region are given at init time: tofu init -backend-config=backend.hcl
  backend "s3" {
    key          = "pubsub-ingest/dev/terraform.tfstate"
    encrypt      = true
    use_lockfile = true
  }
}
