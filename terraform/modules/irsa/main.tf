data "aws_region" "current" {}

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

locals {
  region     = data.aws_region.current.region
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id

  # Statements of the database part of a policy, by kind of access.
  read_database_secret = concat(
    [{
      Sid      = "ReadDatabaseSecret"
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue"]
      Resource = var.database_secret_arn
    }],
    var.database_secret_kms_key_arn == null ? [] : [{
      Sid       = "DecryptDatabaseSecret"
      Effect    = "Allow"
      Action    = ["kms:Decrypt"]
      Resource  = var.database_secret_kms_key_arn
      Condition = { StringEquals = { "kms:ViaService" = "secretsmanager.${local.region}.amazonaws.com" } }
    }],
  )
  connect_as = var.database_resource_id == null ? {} : {
    for component, user in var.database_users : component => [{
      Sid      = "ConnectToDatabase"
      Effect   = "Allow"
      Action   = ["rds-db:connect"]
      Resource = "arn:${local.partition}:rds-db:${local.region}:${local.account_id}:dbuser:${var.database_resource_id}/${user}"
    }]
  }
  database_statements = {
    for component in ["publisher", "subscriber"] : component => (
      var.database_auth == "iam" ? local.connect_as[component] : local.read_database_secret
    )
  }

  roles = {
    publisher = {
      service_accounts = ["${var.namespace}/${var.publisher_service_account}"]
      statements = concat(
        [{
          Sid    = "PublishToTopic"
          Effect = "Allow"
          # GetTopicAttributes backs the readiness probe (/readyz checks each allowed topic).
          Action   = ["sns:GetTopicAttributes", "sns:Publish"]
          Resource = var.topic_arn
        }],
        # Publishing to an encrypted topic: SNS generates a data key and
        # decrypts it with the caller's permissions.
        var.kms_key_arn == null ? [] : [{
          Sid       = "UseTopicKeyThroughSns"
          Effect    = "Allow"
          Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
          Resource  = var.kms_key_arn
          Condition = { StringEquals = { "kms:ViaService" = "sns.${local.region}.amazonaws.com" } }
        }],
        local.database_statements.publisher,
      )
    }
    subscriber = {
      service_accounts = ["${var.namespace}/${var.subscriber_service_account}"]
      statements = concat(
        [{
          # DeleteMessageBatch and ChangeMessageVisibilityBatch are authorized
          # by sqs:DeleteMessage and sqs:ChangeMessageVisibility.
          Sid    = "ConsumeQueue"
          Effect = "Allow"
          # GetQueueAttributes backs the readiness probe.
          Action   = ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
          Resource = var.queue_arn
        }],
        # Receiving from an encrypted queue: SQS decrypts the data key with
        # the caller's permissions.
        var.kms_key_arn == null ? [] : [{
          Sid       = "UseQueueKeyThroughSqs"
          Effect    = "Allow"
          Action    = ["kms:Decrypt"]
          Resource  = var.kms_key_arn
          Condition = { StringEquals = { "kms:ViaService" = "sqs.${local.region}.amazonaws.com" } }
        }],
        local.database_statements.subscriber,
      )
    }
    # The migration Job of the publisher chart owns the schema: it connects
    # with the master credentials, and needs nothing else.
    migrator = {
      service_accounts = ["${var.namespace}/${var.migration_service_account}"]
      statements       = local.read_database_secret
    }
    # KEDA reads the queue depth for the subscriber's ScaledObject. The KEDA
    # operator assumes this role with its own web identity token (the
    # TriggerAuthentication names the role), so neither the operator nor the
    # subscriber needs queue permissions for scaling.
    subscriber-scaler = {
      service_accounts = [var.keda_operator_service_account]
      statements = [{
        Sid      = "ReadQueueDepth"
        Effect   = "Allow"
        Action   = ["sqs:GetQueueAttributes"]
        Resource = var.queue_arn
      }]
    }
  }
}

module "role" {
  source   = "../irsa-role"
  for_each = local.roles

  name              = "${var.name_prefix}${each.key}"
  description       = "IRSA role of ${join(", ", each.value.service_accounts)} (pubsub-ingest ${each.key})"
  oidc_provider_arn = var.oidc_provider_arn
  oidc_issuer       = var.oidc_issuer
  service_accounts  = each.value.service_accounts
  policy            = jsonencode({ Version = "2012-10-17", Statement = each.value.statements })

  tags = var.tags
}
