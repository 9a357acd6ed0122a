output "topic_name" {
  description = "Logical name of the topic, the key in ALLOWED_TOPICS."
  value       = var.topic_name
}

output "topic_arn" {
  description = "ARN of the SNS topic."
  value       = aws_sns_topic.this.arn
}

output "allowed_topics" {
  description = "Value of the publisher's ALLOWED_TOPICS: the logical topic name mapped to the ARN of the topic created here."
  value       = "${var.topic_name}=${aws_sns_topic.this.arn}"
}

output "allowed_topics_list" {
  description = "The same mapping as a list of name/arn objects (the form of the publisher chart's config.allowedTopics)."
  value       = [{ name = var.topic_name, arn = aws_sns_topic.this.arn }]
}

output "queue_name" {
  description = "Name of the SQS queue."
  value       = aws_sqs_queue.this.name
}

output "queue_arn" {
  description = "ARN of the SQS queue."
  value       = aws_sqs_queue.this.arn
}

output "queue_url" {
  description = "URL of the SQS queue, the subscriber's QUEUE_URL."
  value       = aws_sqs_queue.this.url
}

output "queue_visibility_timeout_seconds" {
  description = "Visibility timeout of the queue in seconds."
  value       = aws_sqs_queue.this.visibility_timeout_seconds
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue of the queue."
  value       = aws_sqs_queue.dlq.arn
}

output "dlq_name" {
  description = "Name of the dead-letter queue of the queue (the QueueName dimension of its CloudWatch metrics)."
  value       = aws_sqs_queue.dlq.name
}

output "subscription_dlq_name" {
  description = "Name of the dead-letter queue of the SNS subscription."
  value       = aws_sqs_queue.subscription_dlq.name
}

output "dlq_url" {
  description = "URL of the dead-letter queue of the queue."
  value       = aws_sqs_queue.dlq.url
}

output "subscription_dlq_arn" {
  description = "ARN of the dead-letter queue of the SNS subscription."
  value       = aws_sqs_queue.subscription_dlq.arn
}

output "subscription_dlq_url" {
  description = "URL of the dead-letter queue of the SNS subscription."
  value       = aws_sqs_queue.subscription_dlq.url
}

output "subscription_arn" {
  description = "ARN of the subscription of the queue to the topic."
  value       = aws_sns_topic_subscription.this.arn
}

output "kms_key_arn" {
  description = "ARN of the KMS key of the topic and the queues (null without KMS)."
  value       = local.kms_key_arn
}

output "alarm_arns" {
  description = "ARNs of the CloudWatch alarms, by name."
  value = merge(
    { for k, v in aws_cloudwatch_metric_alarm.dlq_depth : "${k}_dlq_depth" => v.arn },
    { for v in aws_cloudwatch_metric_alarm.oldest_message_age : "oldest_message_age" => v.arn },
    { for k, v in aws_cloudwatch_metric_alarm.sns_delivery : "sns_${k}" => v.arn },
  )
}
