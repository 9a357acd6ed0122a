# Offline tests of the application's IRSA roles: each role holds exactly the
# expected actions on exactly the expected resources, and trusts exactly its
# service account.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "eu-west-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
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

run "publisher_may_publish_to_the_topic_and_read_the_database_secret" {
  assert {
    condition = toset(flatten([
      for s in jsondecode(output.role_policies["publisher"]).Statement : [
        for a in s.Action : "${s.Effect} ${a} ${s.Resource}"
      ]
      ])) == toset([
      "Allow sns:GetTopicAttributes arn:aws:sns:eu-west-1:111122223333:dev-data-ingestion-topic",
      "Allow sns:Publish arn:aws:sns:eu-west-1:111122223333:dev-data-ingestion-topic",
      "Allow kms:Decrypt arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000001",
      "Allow kms:GenerateDataKey arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000001",
      "Allow secretsmanager:GetSecretValue arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-0000-AbCdEf",
    ])
    error_message = "The publisher must hold sns:Publish (and GetTopicAttributes for readiness) on the topic, kms:Decrypt/GenerateDataKey on its key, and read access to the database secret it connects with, nothing else."
  }

  assert {
    condition = one([
      for s in jsondecode(output.role_policies["publisher"]).Statement : s if startswith(s.Action[0], "kms:")
    ]).Condition == { StringEquals = { "kms:ViaService" = "sns.eu-west-1.amazonaws.com" } }
    error_message = "The publisher may use the key only through SNS."
  }
}

run "subscriber_may_only_consume_its_queue_and_read_its_secret" {
  assert {
    condition = toset(flatten([
      for s in jsondecode(output.role_policies["subscriber"]).Statement : [
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
      for s in jsondecode(output.role_policies["subscriber"]).Statement : s if startswith(s.Action[0], "kms:")
    ]).Condition == { StringEquals = { "kms:ViaService" = "sqs.eu-west-1.amazonaws.com" } }
    error_message = "The subscriber may use the key only through SQS."
  }
}

run "migrator_may_only_read_the_secret_and_scaler_only_read_the_queue_depth" {
  assert {
    condition = [
      for s in jsondecode(output.role_policies["migrator"]).Statement : "${s.Effect} ${join(",", s.Action)} ${s.Resource}"
    ] == ["Allow secretsmanager:GetSecretValue arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-0000-AbCdEf"]
    error_message = "The migration reads the master secret, and does nothing else."
  }

  assert {
    condition = [
      for s in jsondecode(output.role_policies["subscriber-scaler"]).Statement : "${s.Effect} ${join(",", s.Action)} ${s.Resource}"
    ] == ["Allow sqs:GetQueueAttributes arn:aws:sqs:eu-west-1:111122223333:dev-data-ingestion-queue"]
    error_message = "The role KEDA assumes reads the queue's attributes, nothing else."
  }
}

run "no_wildcards_in_the_policies" {
  assert {
    condition = alltrue(flatten([
      for p in values(output.role_policies) : [
        for s in jsondecode(p).Statement : s.Effect == "Allow" && !strcontains(s.Resource, "*") && alltrue([for a in s.Action : !strcontains(a, "*")])
      ]
    ]))
    error_message = "No action or resource of the IRSA policies may contain a wildcard."
  }
}

run "each_role_trusts_exactly_its_service_account" {
  assert {
    condition = jsondecode(output.roles["publisher"].trust_policy).Statement == [{
      Effect    = "Allow"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub" = ["system:serviceaccount:pubsub-ingest:publisher"]
          "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud" = "sts.amazonaws.com"
        }
      }
    }]
    error_message = "The publisher role must trust only pubsub-ingest/publisher through the cluster's OIDC provider."
  }

  assert {
    condition = {
      for k, r in output.roles : k => jsondecode(r.trust_policy).Statement[0].Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub"]
      } == {
      publisher           = ["system:serviceaccount:pubsub-ingest:publisher"]
      subscriber          = ["system:serviceaccount:pubsub-ingest:subscriber"]
      migrator            = ["system:serviceaccount:pubsub-ingest:publisher-migrate"]
      "subscriber-scaler" = ["system:serviceaccount:keda:keda-operator"]
    }
    error_message = "Each role trusts only its service account: the scaler role the KEDA operator's."
  }

  assert {
    condition = output.role_arns == {
      publisher           = "arn:aws:iam::111122223333:role/pubsub-ingest-dev-publisher"
      subscriber          = "arn:aws:iam::111122223333:role/pubsub-ingest-dev-subscriber"
      migrator            = "arn:aws:iam::111122223333:role/pubsub-ingest-dev-migrator"
      "subscriber-scaler" = "arn:aws:iam::111122223333:role/pubsub-ingest-dev-subscriber-scaler"
    }
    error_message = "The roles are named after the prefix and the component."
  }
}

run "namespace_and_service_accounts_are_variables" {
  variables {
    namespace                     = "ingest"
    publisher_service_account     = "api"
    subscriber_service_account    = "worker"
    migration_service_account     = "api-migrate"
    keda_operator_service_account = "platform/keda"
  }

  assert {
    condition = output.service_accounts == {
      publisher           = "ingest/api"
      subscriber          = "ingest/worker"
      migrator            = "ingest/api-migrate"
      "subscriber-scaler" = "platform/keda"
    }
    error_message = "The trusted service accounts must follow the variables."
  }

  assert {
    condition     = jsondecode(output.roles["subscriber"].trust_policy).Statement[0].Condition.StringEquals["${var.oidc_issuer}:sub"] == ["system:serviceaccount:ingest:worker"]
    error_message = "The trust policies must follow the variables."
  }
}

run "without_key_no_kms_permission" {
  variables {
    kms_key_arn = null
  }

  assert {
    condition     = !anytrue([for p in values(output.role_policies) : strcontains(p, "kms:")])
    error_message = "Without a key, no role holds a KMS permission."
  }
}

run "secret_with_customer_managed_key" {
  variables {
    database_secret_kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000002"
  }

  assert {
    condition = alltrue([
      for k in ["publisher", "subscriber", "migrator"] : one([
        for s in jsondecode(output.role_policies[k]).Statement : s if s.Sid == "DecryptDatabaseSecret"
        ]) == {
        Sid       = "DecryptDatabaseSecret"
        Effect    = "Allow"
        Action    = ["kms:Decrypt"]
        Resource  = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000002"
        Condition = { StringEquals = { "kms:ViaService" = "secretsmanager.eu-west-1.amazonaws.com" } }
      }
    ])
    error_message = "A customer-managed key of the secret is usable through Secrets Manager only, by those who read the secret."
  }
}

run "iam_database_authentication" {
  variables {
    database_auth        = "iam"
    database_resource_id = "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ"
  }

  assert {
    condition = {
      for k in ["publisher", "subscriber"] : k => [
        for s in jsondecode(output.role_policies[k]).Statement : "${join(",", s.Action)} ${s.Resource}" if s.Sid == "ConnectToDatabase"
      ]
      } == {
      publisher  = ["rds-db:connect arn:aws:rds-db:eu-west-1:111122223333:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXYZ/pubsub_ingest_publisher"]
      subscriber = ["rds-db:connect arn:aws:rds-db:eu-west-1:111122223333:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXYZ/pubsub_ingest_subscriber"]
    }
    error_message = "With IAM authentication each service may connect as its own database user only."
  }

  assert {
    condition = (
      !strcontains(output.role_policies["publisher"], "secretsmanager:") &&
      !strcontains(output.role_policies["subscriber"], "secretsmanager:") &&
      strcontains(output.role_policies["migrator"], "secretsmanager:GetSecretValue")
    )
    error_message = "With IAM authentication only the migration reads the master secret."
  }
}

run "iam_database_authentication_needs_the_instance" {
  command = plan

  variables {
    database_auth = "iam"
  }

  expect_failures = [var.database_resource_id]
}

run "rejects_an_issuer_with_scheme" {
  command = plan

  variables {
    oidc_issuer = "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE"
  }

  expect_failures = [var.oidc_issuer]
}
