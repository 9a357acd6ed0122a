mock_provider "aws" {}

run "repositories_are_immutable_scanned_and_pruned" {
  assert {
    condition     = toset(keys(aws_ecr_repository.this)) == toset(["publisher", "subscriber"])
    error_message = "One repository per image."
  }

  assert {
    condition = alltrue([
      for r in aws_ecr_repository.this : r.image_tag_mutability == "IMMUTABLE" && r.image_scanning_configuration[0].scan_on_push
    ])
    error_message = "Tags must be immutable and images scanned on push."
  }

  assert {
    condition     = aws_ecr_repository.this["publisher"].name == "pubsub-ingest/publisher"
    error_message = "Repositories are named <prefix><image>."
  }

  assert {
    condition     = alltrue([for p in aws_ecr_lifecycle_policy.this : length(jsondecode(p.policy).rules) == 2])
    error_message = "Every repository has the lifecycle policy."
  }
}
