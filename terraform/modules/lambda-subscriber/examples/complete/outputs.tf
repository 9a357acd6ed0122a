output "function_name" {
  description = "Name of the Lambda function."
  value       = module.lambda_subscriber.function_name
}

output "security_group_id" {
  description = "Security group to allow on the database."
  value       = module.lambda_subscriber.security_group_id
}
