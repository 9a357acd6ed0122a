output "publisher_role_arn" {
  description = "ARN of the publisher's role, for the eks.amazonaws.com/role-arn annotation of its service account."
  value       = aws_iam_role.this["publisher"].arn
}

output "subscriber_role_arn" {
  description = "ARN of the subscriber's role, for the eks.amazonaws.com/role-arn annotation of its service account."
  value       = aws_iam_role.this["subscriber"].arn
}

output "role_arns" {
  description = "ARNs of the roles, by component."
  value       = { for k, v in aws_iam_role.this : k => v.arn }
}

output "service_accounts" {
  description = "Kubernetes service accounts (namespace/name) trusted by each role, by component."
  value       = { for k, v in local.service_accounts : k => "${var.namespace}/${v}" }
}

output "role_policies" {
  description = "Inline policy (JSON) of each role, by component, for review."
  value       = { for k, v in aws_iam_role_policy.this : k => v.policy }
}
