output "function_name" {
  description = "Name of the Lambda function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the Lambda function."
  value       = aws_lambda_function.this.arn
}

output "role_arn" {
  description = "ARN of the function's IAM role."
  value       = aws_iam_role.this.arn
}

output "security_group_id" {
  description = "ID of the function's security group; allow it on the database."
  value       = aws_security_group.this.id
}

output "event_source_mapping_uuid" {
  description = "UUID of the SQS event source mapping."
  value       = aws_lambda_event_source_mapping.this.uuid
}

output "log_group_name" {
  description = "Name of the function's log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "event_source_arn" {
  description = "ARN of the queue the function consumes."
  value       = aws_lambda_event_source_mapping.this.event_source_arn
}

output "environment_variables" {
  description = "Environment variables of the function (none of them is secret)."
  value       = local.environment
}

output "alarm_arns" {
  description = "ARNs of the CloudWatch alarms, by name (errors, throttles)."
  value       = { for k, v in aws_cloudwatch_metric_alarm.this : k => v.arn }
}
