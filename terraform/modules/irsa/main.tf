data "aws_region" "current" {}

locals {
  region = data.aws_region.current.region

  # One role per Kubernetes service account, trusted only by that service
  # account of that namespace through the cluster's OIDC provider.
  service_accounts = {
    publisher  = var.publisher_service_account
    subscriber = var.subscriber_service_account
  }

  kms_statements = {
    # Publishing to an encrypted topic: SNS generates a data key and decrypts it
    # with the caller's permissions.
    publisher = var.kms_key_arn == null ? [] : [{
      Sid       = "UseTopicKeyThroughSns"
      Effect    = "Allow"
      Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
      Resource  = var.kms_key_arn
      Condition = { StringEquals = { "kms:ViaService" = "sns.${local.region}.amazonaws.com" } }
    }]
    # Receiving from an encrypted queue: SQS decrypts the data key with the
    # caller's permissions.
    subscriber = var.kms_key_arn == null ? [] : [{
      Sid       = "UseQueueKeyThroughSqs"
      Effect    = "Allow"
      Action    = ["kms:Decrypt"]
      Resource  = var.kms_key_arn
      Condition = { StringEquals = { "kms:ViaService" = "sqs.${local.region}.amazonaws.com" } }
    }]
  }

  policies = {
    publisher = {
      Version = "2012-10-17"
      Statement = concat(
        [{
          Sid    = "PublishToTopic"
          Effect = "Allow"
          # GetTopicAttributes backs the readiness probe (/readyz checks each allowed topic).
          Action   = ["sns:GetTopicAttributes", "sns:Publish"]
          Resource = var.topic_arn
        }],
        local.kms_statements.publisher,
      )
    }
    subscriber = {
      Version = "2012-10-17"
      Statement = concat(
        [
          {
            # DeleteMessageBatch and ChangeMessageVisibilityBatch are authorized
            # by sqs:DeleteMessage and sqs:ChangeMessageVisibility.
            Sid    = "ConsumeQueue"
            Effect = "Allow"
            # GetQueueAttributes backs the readiness probe and queue-depth autoscaling.
            Action   = ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
            Resource = var.queue_arn
          },
        ],
        local.kms_statements.subscriber,
        var.database_secret_arn == null ? [] : [{
          Sid      = "ReadDatabaseSecret"
          Effect   = "Allow"
          Action   = ["secretsmanager:GetSecretValue"]
          Resource = var.database_secret_arn
        }],
        var.database_secret_arn == null || var.database_secret_kms_key_arn == null ? [] : [{
          Sid       = "DecryptDatabaseSecret"
          Effect    = "Allow"
          Action    = ["kms:Decrypt"]
          Resource  = var.database_secret_kms_key_arn
          Condition = { StringEquals = { "kms:ViaService" = "secretsmanager.${local.region}.amazonaws.com" } }
        }],
      )
    }
  }
}

resource "aws_iam_role" "this" {
  for_each = local.service_accounts

  name        = "${var.name_prefix}${each.key}"
  description = "IRSA role of the Kubernetes service account ${var.namespace}/${each.value}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = var.oidc_provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "${var.oidc_issuer}:sub" = "system:serviceaccount:${var.namespace}:${each.value}"
          "${var.oidc_issuer}:aud" = "sts.amazonaws.com"
        }
      }
    }]
  })
  max_session_duration = 3600

  tags = var.tags
}

resource "aws_iam_role_policy" "this" {
  for_each = local.service_accounts

  name   = each.key
  role   = aws_iam_role.this[each.key].id
  policy = jsonencode(local.policies[each.key])
}
