mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
  mock_data "aws_region" {
    defaults = { region = "eu-west-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
}

run "repositories_are_immutable_and_scanned" {
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
    condition = output.repository_urls == {
      publisher  = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/pubsub-ingest/publisher"
      subscriber = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/pubsub-ingest/subscriber"
    }
    error_message = "Repositories are named <prefix><image>, and their URLs are the registry's."
  }

  assert {
    condition     = output.repository_arns["subscriber"] == "arn:aws:ecr:eu-west-1:111122223333:repository/pubsub-ingest/subscriber"
    error_message = "The ARNs name the repositories."
  }
}

run "lifecycle_never_expires_what_may_be_deployed" {
  assert {
    condition = alltrue(flatten([
      for p in aws_ecr_lifecycle_policy.this : [
        for r in jsondecode(p.policy).rules : r.selection.tagStatus == "tagged" && r.selection.tagPatternList == ["pr-*"]
      ]
    ]))
    error_message = "By default only images tagged pr-* expire: no rule on any tag, on untagged images or by image count."
  }

  assert {
    condition     = length(aws_ecr_lifecycle_policy.this) == 2 && length(output.lifecycle_rules) == 1
    error_message = "Every repository has the (one-rule) lifecycle policy."
  }
}

run "untagged_expiry_is_opt_in" {
  variables {
    disposable_tag_patterns    = []
    untagged_image_expiry_days = 7
  }

  assert {
    condition     = [for r in output.lifecycle_rules : r.selection.tagStatus] == ["untagged"]
    error_message = "With untagged_image_expiry_days, untagged images expire, and nothing else."
  }
}

run "without_rules_no_policy" {
  variables {
    disposable_tag_patterns = []
  }

  assert {
    condition     = length(aws_ecr_lifecycle_policy.this) == 0
    error_message = "With nothing to expire, the repositories have no lifecycle policy."
  }
}

run "rejects_a_pattern_matching_every_tag" {
  command = plan

  variables {
    disposable_tag_patterns = ["*"]
  }

  expect_failures = [var.disposable_tag_patterns]
}
