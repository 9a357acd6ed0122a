output "name" {
  description = "Name of the role."
  value       = aws_iam_role.this.name
}

output "arn" {
  description = "ARN of the role, for the eks.amazonaws.com/role-arn annotation of the service accounts. Built from the name (the role has the default path /), so it is known at plan time and `tofu plan` shows the Helm values in full."
  value       = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:role/${aws_iam_role.this.name}"
}

output "service_accounts" {
  description = "Service accounts (namespace/name) the role trusts."
  value       = var.service_accounts
}

output "trust_policy" {
  description = "Trust policy (JSON) of the role, for review and tests."
  value       = aws_iam_role.this.assume_role_policy
}

output "policy" {
  description = "Inline policy (JSON) of the role; null when it has none."
  value       = var.policy == null ? null : aws_iam_role_policy.this[0].policy
}

output "managed_policy_arns" {
  description = "AWS managed policies attached to the role, by key."
  value       = { for k, v in aws_iam_role_policy_attachment.this : k => v.policy_arn }
}
