terraform {
  required_version = ">= 1.10.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.47"
    }
  }

  # S3 state with S3-native locking (no DynamoDB table). Every setting comes
  # from the environment's backend file at init time:
  #   tofu init -reconfigure -backend-config=../envs/<env>/backend.hcl
  backend "s3" {}
}
