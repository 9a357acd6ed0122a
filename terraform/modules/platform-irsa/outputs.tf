output "roles" {
  description = "Every role, by component: ARN, the service accounts it trusts (namespace/name), trust policy and inline policy (JSON)."
  value = {
    for k, r in module.role : k => {
      arn              = r.arn
      service_accounts = r.service_accounts
      trust_policy     = r.trust_policy
      policy           = r.policy
    }
  }
}

output "role_arns" {
  description = "ARNs of the roles, by component."
  value       = { for k, r in module.role : k => r.arn }
}
