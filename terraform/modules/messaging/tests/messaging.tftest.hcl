# Offline tests of the messaging module: the AWS provider is mocked, so the
# plan is applied in memory and the policies are read back as JSON.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { region = "eu-west-1" }
  }
}

override_resource {
  target = aws_sns_topic.this
  values = { arn = "arn:aws:sns:eu-west-1:111122223333:dev-data-ingestion-topic" }
}

override_resource {
  target = aws_sqs_queue.this
  values = {
    arn = "arn:aws:sqs:eu-west-1:111122223333:dev-data-ingestion-queue"
    id  = "https://sqs.eu-west-1.amazonaws.com/111122223333/dev-data-ingestion-queue"
    url = "https://sqs.eu-west-1.amazonaws.com/111122223333/dev-data-ingestion-queue"
  }
}

override_resource {
  target = aws_sqs_queue.dlq
  values = {
    arn = "arn:aws:sqs:eu-west-1:111122223333:dev-data-ingestion-dlq"
    id  = "https://sqs.eu-west-1.amazonaws.com/111122223333/dev-data-ingestion-dlq"
    url = "https://sqs.eu-west-1.amazonaws.com/111122223333/dev-data-ingestion-dlq"
  }
}

override_resource {
  target = aws_sqs_queue.subscription_dlq
  values = {
    arn = "arn:aws:sqs:eu-west-1:111122223333:dev-data-ingestion-subscription-dlq"
    id  = "https://sqs.eu-west-1.amazonaws.com/111122223333/dev-data-ingestion-subscription-dlq"
    url = "https://sqs.eu-west-1.amazonaws.com/111122223333/dev-data-ingestion-subscription-dlq"
  }
}

override_resource {
  target = aws_kms_key.this
  values = { arn = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000001" }
}

variables {
  name_prefix = "dev-"
}

run "names_match_what_the_publisher_uses" {
  assert {
    condition     = aws_sns_topic.this.name == "dev-data-ingestion-topic"
    error_message = "The topic must be named <prefix>data-ingestion-topic."
  }

  assert {
    condition     = output.allowed_topics == "data-ingestion-topic=arn:aws:sns:eu-west-1:111122223333:dev-data-ingestion-topic"
    error_message = "allowed_topics must map the logical name data-ingestion-topic to the ARN of the created topic."
  }

  assert {
    condition     = aws_sqs_queue.this.name == "dev-data-ingestion-queue" && aws_sqs_queue.dlq.name == "dev-data-ingestion-dlq"
    error_message = "The queue and the DLQ must be named <prefix>data-ingestion-queue and <prefix>data-ingestion-dlq."
  }

  assert {
    condition     = output.queue_url == "https://sqs.eu-west-1.amazonaws.com/111122223333/dev-data-ingestion-queue"
    error_message = "queue_url must be the URL of the main queue."
  }
}

run "queue_policy_allows_only_the_topic" {
  assert {
    condition = length([
      for s in jsondecode(aws_sqs_queue_policy.this.policy).Statement : s if s.Effect == "Allow"
    ]) == 1
    error_message = "The queue policy must have exactly one Allow statement."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_sqs_queue_policy.this.policy).Statement : s if s.Effect == "Allow"
      ]) == {
      Sid       = "AllowTopicOnly"
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = "arn:aws:sqs:eu-west-1:111122223333:dev-data-ingestion-queue"
      Condition = { ArnEquals = { "aws:SourceArn" = "arn:aws:sns:eu-west-1:111122223333:dev-data-ingestion-topic" } }
    }
    error_message = "The only Allow of the queue policy must be sqs:SendMessage by SNS on this queue, conditioned on aws:SourceArn = this topic."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_sqs_queue_policy.this.policy).Statement : s if s.Effect == "Deny"
    ]).Condition.Bool["aws:SecureTransport"] == "false"
    error_message = "The queue policy must deny requests without TLS."
  }

  assert {
    condition     = aws_sqs_queue_policy.this.queue_url == aws_sqs_queue.this.url
    error_message = "The queue policy must be attached to the main queue."
  }
}

run "subscription_dlq_policy_allows_only_the_topic" {
  assert {
    condition = [
      for s in jsondecode(aws_sqs_queue_policy.subscription_dlq.policy).Statement : s if s.Effect == "Allow"
      ] == [{
        Sid       = "AllowTopicOnly"
        Effect    = "Allow"
        Principal = { Service = "sns.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = "arn:aws:sqs:eu-west-1:111122223333:dev-data-ingestion-subscription-dlq"
        Condition = { ArnEquals = { "aws:SourceArn" = "arn:aws:sns:eu-west-1:111122223333:dev-data-ingestion-topic" } }
    }]
    error_message = "Only this topic may send to the subscription DLQ."
  }

  assert {
    condition = length([
      for s in jsondecode(aws_sqs_queue_policy.dlq.policy).Statement : s if s.Effect == "Allow"
    ]) == 0
    error_message = "Nobody is granted SendMessage on the queue's DLQ by policy: only SQS redrive fills it."
  }
}

run "redrive_is_wired" {
  assert {
    condition = jsondecode(aws_sqs_queue.this.redrive_policy) == {
      deadLetterTargetArn = "arn:aws:sqs:eu-west-1:111122223333:dev-data-ingestion-dlq"
      maxReceiveCount     = 5
    }
    error_message = "The queue must redrive to its DLQ after 5 receives."
  }

  assert {
    condition = jsondecode(aws_sqs_queue_redrive_allow_policy.dlq.redrive_allow_policy) == {
      redrivePermission = "byQueue"
      sourceQueueArns   = ["arn:aws:sqs:eu-west-1:111122223333:dev-data-ingestion-queue"]
    }
    error_message = "Only the main queue may use the DLQ."
  }

  assert {
    condition     = aws_sqs_queue_redrive_allow_policy.dlq.queue_url == aws_sqs_queue.dlq.url
    error_message = "The redrive allow policy must be set on the DLQ."
  }

  assert {
    condition = jsondecode(aws_sns_topic_subscription.this.redrive_policy) == {
      deadLetterTargetArn = "arn:aws:sqs:eu-west-1:111122223333:dev-data-ingestion-subscription-dlq"
    }
    error_message = "The subscription must have its own dead-letter queue."
  }
}

run "subscription_delivers_raw_messages_to_the_queue" {
  assert {
    condition     = aws_sns_topic_subscription.this.protocol == "sqs" && aws_sns_topic_subscription.this.raw_message_delivery
    error_message = "The subscription must be an SQS subscription with raw message delivery."
  }

  assert {
    condition = (
      aws_sns_topic_subscription.this.topic_arn == "arn:aws:sns:eu-west-1:111122223333:dev-data-ingestion-topic" &&
      aws_sns_topic_subscription.this.endpoint == "arn:aws:sqs:eu-west-1:111122223333:dev-data-ingestion-queue"
    )
    error_message = "The subscription must connect this topic to this queue."
  }
}

run "long_polling_and_visibility_timeout" {
  assert {
    condition     = aws_sqs_queue.this.receive_wait_time_seconds == 20
    error_message = "The queue must long-poll for 20 s."
  }

  assert {
    condition     = aws_sqs_queue.this.visibility_timeout_seconds == 30
    error_message = "The default visibility timeout must be the subscriber's 30 s."
  }

  assert {
    condition     = aws_sqs_queue.dlq.message_retention_seconds == 1209600
    error_message = "The DLQs keep messages for the maximum of 14 days."
  }
}

run "encrypted_with_the_customer_managed_key" {
  assert {
    condition = alltrue([
      for k in [
        aws_sns_topic.this.kms_master_key_id,
        aws_sqs_queue.this.kms_master_key_id,
        aws_sqs_queue.dlq.kms_master_key_id,
        aws_sqs_queue.subscription_dlq.kms_master_key_id,
      ] : k == "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000001"
    ])
    error_message = "The topic and all queues must use the customer-managed key."
  }

  assert {
    condition     = aws_kms_key.this[0].enable_key_rotation
    error_message = "The key must rotate."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_kms_key.this[0].policy).Statement : s if s.Sid == "SnsDeliveryToEncryptedQueues"
      ]) == {
      Sid       = "SnsDeliveryToEncryptedQueues"
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
      Resource  = "*"
      Condition = { ArnEquals = { "aws:SourceArn" = "arn:aws:sns:eu-west-1:111122223333:dev-data-ingestion-topic" } }
    }
    error_message = "The key policy must let SNS use the key for this topic only (the ARN built from parts must be the topic's)."
  }
}

run "alarms_on_dlq_depth_and_oldest_message_age" {
  variables {
    alarm_actions = ["arn:aws:sns:eu-west-1:111122223333:alarms"]
  }

  assert {
    condition     = toset(keys(aws_cloudwatch_metric_alarm.dlq_depth)) == toset(["queue", "subscription"])
    error_message = "Both DLQs need a depth alarm."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.dlq_depth["queue"].dimensions.QueueName == "dev-data-ingestion-dlq" &&
      aws_cloudwatch_metric_alarm.dlq_depth["queue"].metric_name == "ApproximateNumberOfMessagesVisible" &&
      aws_cloudwatch_metric_alarm.dlq_depth["queue"].threshold == 0
    )
    error_message = "The DLQ alarm must fire on the first visible message of the DLQ."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.oldest_message_age[0].dimensions.QueueName == "dev-data-ingestion-queue" &&
      aws_cloudwatch_metric_alarm.oldest_message_age[0].metric_name == "ApproximateAgeOfOldestMessage"
    )
    error_message = "The age alarm must watch the oldest message of the main queue."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.oldest_message_age[0].alarm_actions == toset(["arn:aws:sns:eu-west-1:111122223333:alarms"])
    error_message = "The alarms must notify the given actions."
  }

  assert {
    condition = (
      endswith(aws_cloudwatch_metric_alarm.dlq_depth["queue"].alarm_description, "Runbook: https://github.com/pubsub-ingest/pubsub-ingest/blob/main/docs/operations.md#ingestdeadletterqueuenotempty") &&
      endswith(aws_cloudwatch_metric_alarm.dlq_depth["subscription"].alarm_description, "docs/operations.md#subscriptiondeadletterqueuenotempty") &&
      endswith(aws_cloudwatch_metric_alarm.oldest_message_age[0].alarm_description, "docs/operations.md#ingestqueueoldestmessagetooold")
    )
    error_message = "Each queue alarm's description must end with its runbook in docs/operations.md."
  }
}

run "alarms_on_sns_delivery_to_the_queue" {
  variables {
    alarm_actions = ["arn:aws:sns:eu-west-1:111122223333:alarms"]
  }

  assert {
    condition = {
      for k, a in aws_cloudwatch_metric_alarm.sns_delivery : k => a.metric_name
      } == {
      notifications_failed     = "NumberOfNotificationsFailed"
      redriven_to_dlq          = "NumberOfNotificationsRedrivenToDlq"
      failed_to_redrive_to_dlq = "NumberOfNotificationsFailedToRedriveToDlq"
    }
    error_message = "SNS needs alarms on failed deliveries, on messages redriven to the subscription DLQ and on messages it could not redrive."
  }

  assert {
    condition = alltrue([
      for a in aws_cloudwatch_metric_alarm.sns_delivery : (
        a.namespace == "AWS/SNS" &&
        a.dimensions.TopicName == "dev-data-ingestion-topic" &&
        a.statistic == "Sum" &&
        a.comparison_operator == "GreaterThanThreshold" &&
        a.threshold == 0 &&
        a.treat_missing_data == "notBreaching"
      )
    ])
    error_message = "The SNS alarms must fire on the first failed delivery of this topic, and stay quiet without data."
  }

  assert {
    condition = alltrue([
      for a in aws_cloudwatch_metric_alarm.sns_delivery :
      a.alarm_actions == toset(["arn:aws:sns:eu-west-1:111122223333:alarms"]) && a.ok_actions == toset(["arn:aws:sns:eu-west-1:111122223333:alarms"])
    ])
    error_message = "The SNS alarms must notify the given actions when they fire and recover."
  }

  assert {
    condition = (
      endswith(aws_cloudwatch_metric_alarm.sns_delivery["notifications_failed"].alarm_description, "Runbook: https://github.com/pubsub-ingest/pubsub-ingest/blob/main/docs/operations.md#snsdeliveryfailed") &&
      endswith(aws_cloudwatch_metric_alarm.sns_delivery["redriven_to_dlq"].alarm_description, "docs/operations.md#subscriptiondeadletterqueuenotempty") &&
      endswith(aws_cloudwatch_metric_alarm.sns_delivery["failed_to_redrive_to_dlq"].alarm_description, "docs/operations.md#snsdeadletterredrivefailed")
    )
    error_message = "Each SNS alarm's description must end with its runbook in docs/operations.md."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.sns_delivery["notifications_failed"].alarm_name == "dev-data-ingestion-topic-notifications-failed"
    error_message = "The SNS alarms are named after the topic."
  }

  assert {
    condition = toset(keys(output.alarm_arns)) == toset([
      "queue_dlq_depth", "subscription_dlq_depth", "oldest_message_age",
      "sns_notifications_failed", "sns_redriven_to_dlq", "sns_failed_to_redrive_to_dlq",
    ])
    error_message = "alarm_arns must list every alarm."
  }
}

run "runbook_links_follow_the_base_url" {
  variables {
    runbook_base_url = "https://wiki.example.com/pubsub-ingest/operations/"
  }

  assert {
    condition     = endswith(aws_cloudwatch_metric_alarm.sns_delivery["notifications_failed"].alarm_description, "Runbook: https://wiki.example.com/pubsub-ingest/operations#snsdeliveryfailed")
    error_message = "The runbook links must start with runbook_base_url (without its trailing slash)."
  }
}

run "rejects_a_runbook_url_with_a_fragment" {
  command = plan

  variables {
    runbook_base_url = "https://example.com/operations.md#alerts"
  }

  expect_failures = [var.runbook_base_url]
}

run "kms_and_alarms_can_be_switched_off" {
  variables {
    enable_kms    = false
    enable_alarms = false
  }

  assert {
    condition     = length(aws_kms_key.this) == 0 && aws_sns_topic.this.kms_master_key_id == null
    error_message = "Without KMS no key is created."
  }

  assert {
    condition     = aws_sqs_queue.this.sqs_managed_sse_enabled
    error_message = "Without KMS the queues still use SQS-managed encryption."
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.dlq_depth) == 0 && length(aws_cloudwatch_metric_alarm.oldest_message_age) == 0 && length(aws_cloudwatch_metric_alarm.sns_delivery) == 0
    error_message = "Alarms can be switched off."
  }
}

run "rejects_short_polling" {
  command = plan

  variables {
    receive_wait_time_seconds = 0
  }

  expect_failures = [var.receive_wait_time_seconds]
}
