data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region

  topic_name            = "${var.name_prefix}${var.topic_name}"
  queue_name            = "${var.name_prefix}${var.queue_name}"
  dlq_name              = "${var.name_prefix}${var.dlq_name}"
  subscription_dlq_name = "${var.name_prefix}${var.subscription_dlq_name}"

  # Built from its parts (not from the resource) so that the key policy and the
  # queue policies can name the topic before it exists, without a cycle.
  topic_arn = "arn:${local.partition}:sns:${local.region}:${local.account_id}:${local.topic_name}"

  kms_key_arn = var.enable_kms ? (var.kms_key_arn != null ? var.kms_key_arn : aws_kms_key.this[0].arn) : null
}

################################################################################
# Customer-managed KMS key, usable by SNS to deliver into the encrypted queues
################################################################################

resource "aws_kms_key" "this" {
  count = var.enable_kms && var.kms_key_arn == null ? 1 : 0

  description             = "Encryption of the ${local.topic_name} topic and of its queues"
  deletion_window_in_days = var.kms_deletion_window_in_days
  enable_key_rotation     = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # Lets IAM policies of the account grant use of the key (publisher,
        # subscriber and Lambda roles hold kms:* actions on this key ARN only).
        Sid       = "AccountAdministration"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        # SNS encrypts each message it delivers into the encrypted queue.
        Sid       = "SnsDeliveryToEncryptedQueues"
        Effect    = "Allow"
        Principal = { Service = "sns.amazonaws.com" }
        Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
        Resource  = "*"
        Condition = {
          ArnEquals = { "aws:SourceArn" = local.topic_arn }
        }
      },
      {
        # CloudWatch alarms publishing to an encrypted alarm topic.
        Sid       = "CloudWatchAlarms"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
        }
      },
    ]
  })

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  count = var.enable_kms && var.kms_key_arn == null ? 1 : 0

  name          = "alias/${local.topic_name}"
  target_key_id = aws_kms_key.this[0].key_id
}

################################################################################
# SNS topic
################################################################################

resource "aws_sns_topic" "this" {
  name              = local.topic_name
  kms_master_key_id = local.kms_key_arn

  tags = var.tags
}

resource "aws_sns_topic_policy" "this" {
  arn = aws_sns_topic.this.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountPrincipalsWithIamPermission"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = ["sns:Publish", "sns:Subscribe", "sns:GetTopicAttributes"]
        Resource  = aws_sns_topic.this.arn
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.this.arn
        Condition = {
          Bool = { "aws:SecureTransport" = "false" }
        }
      },
    ]
  })
}

################################################################################
# SQS queues
################################################################################

resource "aws_sqs_queue" "dlq" {
  name                              = local.dlq_name
  message_retention_seconds         = var.dlq_message_retention_seconds
  kms_master_key_id                 = local.kms_key_arn
  kms_data_key_reuse_period_seconds = var.enable_kms ? var.kms_data_key_reuse_period_seconds : null
  sqs_managed_sse_enabled           = var.enable_kms ? null : true

  tags = var.tags
}

resource "aws_sqs_queue" "this" {
  name                              = local.queue_name
  visibility_timeout_seconds        = var.visibility_timeout_seconds
  receive_wait_time_seconds         = var.receive_wait_time_seconds
  message_retention_seconds         = var.message_retention_seconds
  kms_master_key_id                 = local.kms_key_arn
  kms_data_key_reuse_period_seconds = var.enable_kms ? var.kms_data_key_reuse_period_seconds : null
  sqs_managed_sse_enabled           = var.enable_kms ? null : true

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.max_receive_count
  })

  tags = var.tags
}

# Only the main queue may move its messages into the dead-letter queue.
resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.this.arn]
  })
}

# Receives what SNS could not deliver to the queue (for example when the queue
# policy or the key policy is broken), which the queue's own DLQ never sees.
resource "aws_sqs_queue" "subscription_dlq" {
  name                              = local.subscription_dlq_name
  message_retention_seconds         = var.dlq_message_retention_seconds
  kms_master_key_id                 = local.kms_key_arn
  kms_data_key_reuse_period_seconds = var.enable_kms ? var.kms_data_key_reuse_period_seconds : null
  sqs_managed_sse_enabled           = var.enable_kms ? null : true

  tags = var.tags
}

locals {
  # Queue policies: the only Allow is SendMessage by SNS on behalf of this
  # topic (aws:SourceArn); requests without TLS are denied.
  queue_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AllowTopicOnly"
        Effect    = "Allow"
        Principal = { Service = "sns.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = aws_sqs_queue.this.arn
        Condition = {
          ArnEquals = { "aws:SourceArn" = aws_sns_topic.this.arn }
        }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sqs:*"
        Resource  = aws_sqs_queue.this.arn
        Condition = {
          Bool = { "aws:SecureTransport" = "false" }
        }
      },
    ]
  }

  subscription_dlq_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AllowTopicOnly"
        Effect    = "Allow"
        Principal = { Service = "sns.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = aws_sqs_queue.subscription_dlq.arn
        Condition = {
          ArnEquals = { "aws:SourceArn" = aws_sns_topic.this.arn }
        }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sqs:*"
        Resource  = aws_sqs_queue.subscription_dlq.arn
        Condition = {
          Bool = { "aws:SecureTransport" = "false" }
        }
      },
    ]
  }

  # Nobody sends to the queue's DLQ: SQS redrive moves messages into it.
  dlq_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sqs:*"
        Resource  = aws_sqs_queue.dlq.arn
        Condition = {
          Bool = { "aws:SecureTransport" = "false" }
        }
      },
    ]
  }
}

resource "aws_sqs_queue_policy" "this" {
  queue_url = aws_sqs_queue.this.id
  policy    = jsonencode(local.queue_policy)
}

resource "aws_sqs_queue_policy" "subscription_dlq" {
  queue_url = aws_sqs_queue.subscription_dlq.id
  policy    = jsonencode(local.subscription_dlq_policy)
}

resource "aws_sqs_queue_policy" "dlq" {
  # checkov:skip=CKV_AWS_72: the policy only denies (no action is allowed to anyone); the check crashes on a policy with a single statement.
  queue_url = aws_sqs_queue.dlq.id
  policy    = jsonencode(local.dlq_policy)
}

################################################################################
# Subscription
################################################################################

resource "aws_sns_topic_subscription" "this" {
  topic_arn            = aws_sns_topic.this.arn
  protocol             = "sqs"
  endpoint             = aws_sqs_queue.this.arn
  raw_message_delivery = true

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.subscription_dlq.arn
  })

  # SNS checks the queue policy when it delivers, so it must exist first.
  depends_on = [
    aws_sqs_queue_policy.this,
    aws_sqs_queue_policy.subscription_dlq,
  ]
}

################################################################################
# Alarms
################################################################################

locals {
  # Each alarm's description ends with its runbook: a section of docs/operations.md.
  runbook = trimsuffix(var.runbook_base_url, "/")

  dlqs = {
    queue = {
      name    = aws_sqs_queue.dlq.name
      meaning = "messages the subscriber could not store after ${var.max_receive_count} receives"
      anchor  = "ingestdeadletterqueuenotempty"
    }
    subscription = {
      name    = aws_sqs_queue.subscription_dlq.name
      meaning = "messages SNS could not deliver to ${aws_sqs_queue.this.name}"
      anchor  = "subscriptiondeadletterqueuenotempty"
    }
  }

  # SNS's delivery from the topic to the queue, which the queue's own metrics never see.
  sns_delivery_alarms = {
    notifications_failed = {
      metric      = "NumberOfNotificationsFailed"
      threshold   = var.sns_delivery_failures_alarm_threshold
      description = "SNS failed to deliver messages of ${aws_sns_topic.this.name} to its subscription (queue policy, KMS key policy or the queue itself); they go to ${aws_sqs_queue.subscription_dlq.name}."
      anchor      = "snsdeliveryfailed"
    }
    redriven_to_dlq = {
      metric      = "NumberOfNotificationsRedrivenToDlq"
      threshold   = 0
      description = "SNS moved messages of ${aws_sns_topic.this.name} it could not deliver to the queue into ${aws_sqs_queue.subscription_dlq.name}."
      anchor      = "subscriptiondeadletterqueuenotempty"
    }
    failed_to_redrive_to_dlq = {
      metric      = "NumberOfNotificationsFailedToRedriveToDlq"
      threshold   = 0
      description = "SNS could neither deliver messages of ${aws_sns_topic.this.name} to the queue nor move them to ${aws_sqs_queue.subscription_dlq.name}: they are lost unless their producers send them again."
      anchor      = "snsdeadletterredrivefailed"
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "dlq_depth" {
  for_each = var.enable_alarms ? local.dlqs : {}

  alarm_name          = "${each.value.name}-depth"
  alarm_description   = "Messages are waiting in the dead-letter queue ${each.value.name}: ${each.value.meaning}. Runbook: ${local.runbook}#${each.value.anchor}"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = each.value.name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.dlq_depth_alarm_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "oldest_message_age" {
  count = var.enable_alarms ? 1 : 0

  alarm_name          = "${aws_sqs_queue.this.name}-oldest-message-age"
  alarm_description   = "The oldest message in ${aws_sqs_queue.this.name} waits longer than ${var.oldest_message_age_alarm_threshold_seconds} s: the subscriber is down or too slow. Runbook: ${local.runbook}#ingestqueueoldestmessagetooold"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  dimensions          = { QueueName = aws_sqs_queue.this.name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = var.oldest_message_age_alarm_evaluation_periods
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.oldest_message_age_alarm_threshold_seconds
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "sns_delivery" {
  for_each = var.enable_alarms ? local.sns_delivery_alarms : {}

  alarm_name        = "${aws_sns_topic.this.name}-${replace(each.key, "_", "-")}"
  alarm_description = "${each.value.description} Runbook: ${local.runbook}#${each.value.anchor}"
  namespace         = "AWS/SNS"
  metric_name       = each.value.metric
  dimensions        = { TopicName = aws_sns_topic.this.name }
  statistic         = "Sum"
  # SNS reports these every 5 minutes at the finest.
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions

  tags = var.tags
}
