# Offline tests of the IRSA roles: each role holds exactly the expected actions
# on exactly the expected resources, and trusts exactly one service account.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "eu-west-1" }
  }
}

variables {
  name_prefix         = "pubsub-ingest-dev-"
  oidc_provider_arn   = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
  oidc_issuer         = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
  topic_arn           = "arn:aws:sns:eu-west-1:111122223333:dev-data-ingestion-topic"
  queue_arn           = "arn:aws:sqs:eu-west-1:111122223333:dev-data-ingestion-queue"
  kms_key_arn         = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000001"
  database_secret_arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-0000-AbCdEf"
}

run "publisher_may_only_publish_to_the_topic_and_use_the_key" {
  assert {
    condition = toset(flatten([
      for s in jsondecode(aws_iam_role_policy.this["publisher"].policy).Statement : [
        for a in s.Action : "${s.Effect} ${a} ${s.Resource}"
      ]
      ])) == toset([
      "Allow sns:GetTopicAttributes arn:aws:sns:eu-west-1:111122223333:dev-data-ingestion-topic",
      "Allow sns:Publish arn:aws:sns:eu-west-1:111122223333:dev-data-ingestion-topic",
      "Allow kms:Decrypt arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000001",
      "Allow kms:GenerateDataKey arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000001",
    ])
    error_message = "The publisher must hold sns:Publish (and GetTopicAttributes for readiness) on the topic and kms:Decrypt/GenerateDataKey on its key, nothing else."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_iam_role_policy.this["publisher"].policy).Statement : s if startswith(s.Action[0], "kms:")
    ]).Condition == { StringEquals = { "kms:ViaService" = "sns.eu-west-1.amazonaws.com" } }
    error_message = "The publisher may use the key only through SNS."
  }
}

run "subscriber_may_only_consume_its_queue_and_read_its_secret" {
  assert {
    condition = toset(flatten([
      for s in jsondecode(aws_iam_role_policy.this["subscriber"].policy).Statement : [
        for a in s.Action : "${s.Effect} ${a} ${s.Resource}"
      ]
      ])) == toset([
      "Allow sqs:ReceiveMessage arn:aws:sqs:eu-west-1:111122223333:dev-data-ingestion-queue",
      "Allow sqs:DeleteMessage arn:aws:sqs:eu-west-1:111122223333:dev-data-ingestion-queue",
      "Allow sqs:ChangeMessageVisibility arn:aws:sqs:eu-west-1:111122223333:dev-data-ingestion-queue",
      "Allow sqs:GetQueueAttributes arn:aws:sqs:eu-west-1:111122223333:dev-data-ingestion-queue",
      "Allow kms:Decrypt arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000001",
      "Allow secretsmanager:GetSecretValue arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-0000-AbCdEf",
    ])
    error_message = "The subscriber must hold receive/delete/change-visibility/get-attributes on its queue, kms:Decrypt on the key and read access to its secret, nothing else."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_iam_role_policy.this["subscriber"].policy).Statement : s if startswith(s.Action[0], "kms:")
    ]).Condition == { StringEquals = { "kms:ViaService" = "sqs.eu-west-1.amazonaws.com" } }
    error_message = "The subscriber may use the key only through SQS."
  }
}

run "no_wildcards_in_the_policies" {
  assert {
    condition = alltrue(flatten([
      for p in values(aws_iam_role_policy.this) : [
        for s in jsondecode(p.policy).Statement : s.Effect == "Allow" && !strcontains(s.Resource, "*") && alltrue([for a in s.Action : !strcontains(a, "*")])
      ]
    ]))
    error_message = "No action or resource of the IRSA policies may contain a wildcard."
  }
}

run "each_role_trusts_exactly_its_service_account" {
  assert {
    condition = jsondecode(aws_iam_role.this["publisher"].assume_role_policy).Statement == [{
      Effect    = "Allow"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub" = "system:serviceaccount:pubsub-ingest:publisher"
          "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud" = "sts.amazonaws.com"
        }
      }
    }]
    error_message = "The publisher role must trust only pubsub-ingest/publisher through the cluster's OIDC provider."
  }

  assert {
    condition = jsondecode(aws_iam_role.this["subscriber"].assume_role_policy).Statement[0].Condition.StringEquals[
      "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub"
    ] == "system:serviceaccount:pubsub-ingest:subscriber"
    error_message = "The subscriber role must trust only pubsub-ingest/subscriber."
  }

  assert {
    condition     = aws_iam_role.this["publisher"].name == "pubsub-ingest-dev-publisher" && aws_iam_role.this["subscriber"].name == "pubsub-ingest-dev-subscriber"
    error_message = "The roles are named after the prefix and the component."
  }
}

run "namespace_and_service_accounts_are_variables" {
  variables {
    namespace                  = "ingest"
    publisher_service_account  = "api"
    subscriber_service_account = "worker"
  }

  assert {
    condition = (
      jsondecode(aws_iam_role.this["publisher"].assume_role_policy).Statement[0].Condition.StringEquals["${var.oidc_issuer}:sub"] == "system:serviceaccount:ingest:api" &&
      jsondecode(aws_iam_role.this["subscriber"].assume_role_policy).Statement[0].Condition.StringEquals["${var.oidc_issuer}:sub"] == "system:serviceaccount:ingest:worker"
    )
    error_message = "The trusted service accounts must follow the variables."
  }

  assert {
    condition     = output.service_accounts["publisher"] == "ingest/api" && output.service_accounts["subscriber"] == "ingest/worker"
    error_message = "The service_accounts output must follow the variables."
  }
}

run "without_key_and_secret_no_kms_or_secret_permission" {
  variables {
    kms_key_arn         = null
    database_secret_arn = null
  }

  assert {
    condition = toset(flatten([
      for p in values(aws_iam_role_policy.this) : [for s in jsondecode(p.policy).Statement : s.Action]
    ])) == toset(["sns:GetTopicAttributes", "sns:Publish", "sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"])
    error_message = "Without a key and a secret, only the SNS and SQS actions remain."
  }
}

run "secret_with_customer_managed_key" {
  variables {
    database_secret_kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000002"
  }

  assert {
    condition = one([
      for s in jsondecode(aws_iam_role_policy.this["subscriber"].policy).Statement : s if s.Sid == "DecryptDatabaseSecret"
      ]) == {
      Sid       = "DecryptDatabaseSecret"
      Effect    = "Allow"
      Action    = ["kms:Decrypt"]
      Resource  = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000002"
      Condition = { StringEquals = { "kms:ViaService" = "secretsmanager.eu-west-1.amazonaws.com" } }
    }
    error_message = "A customer-managed key of the secret is usable through Secrets Manager only."
  }
}

run "rejects_an_issuer_with_scheme" {
  command = plan

  variables {
    oidc_issuer = "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE"
  }

  expect_failures = [var.oidc_issuer]
}
