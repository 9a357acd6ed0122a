mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
}

variables {
  name              = "example-reader"
  oidc_provider_arn = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE"
  oidc_issuer       = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE"
  service_accounts  = ["apps/reader"]
  policy            = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"sqs:GetQueueAttributes\"],\"Resource\":\"arn:aws:sqs:eu-west-1:111122223333:q\"}]}"
}

run "trusted_by_the_service_account_through_the_oidc_provider" {
  assert {
    condition = jsondecode(aws_iam_role.this.assume_role_policy) == {
      Version = "2012-10-17"
      Statement = [{
        Effect    = "Allow"
        Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE" }
        Action    = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = {
            "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE:sub" = ["system:serviceaccount:apps:reader"]
            "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE:aud" = "sts.amazonaws.com"
          }
        }
      }]
    }
    error_message = "The role trusts the service account's tokens for STS, through the cluster's OIDC provider only."
  }

  assert {
    condition     = output.arn == "arn:aws:iam::111122223333:role/example-reader" && output.policy == var.policy
    error_message = "The ARN names the role, and the inline policy is the one given."
  }

  assert {
    condition     = length(aws_iam_role_policy_attachment.this) == 0
    error_message = "No managed policy unless asked for."
  }
}

run "without_policy_no_inline_policy" {
  variables {
    policy = null
  }

  assert {
    condition     = length(aws_iam_role_policy.this) == 0 && output.policy == null
    error_message = "A role without policy has no inline policy."
  }
}

run "rejects_wildcard_service_accounts" {
  command = plan

  variables {
    service_accounts = ["apps/*"]
  }

  expect_failures = [var.service_accounts]
}
