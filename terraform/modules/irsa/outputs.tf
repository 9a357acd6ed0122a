output "publisher_role_arn" {
  description = "ARN of the publisher's role, for the eks.amazonaws.com/role-arn annotation of its service account."
  value       = module.role["publisher"].arn
}

output "subscriber_role_arn" {
  description = "ARN of the subscriber's role, for the eks.amazonaws.com/role-arn annotation of its service account."
  value       = module.role["subscriber"].arn
}

output "migrator_role_arn" {
  description = "ARN of the role of the migration Job's service account."
  value       = module.role["migrator"].arn
}

output "subscriber_scaler_role_arn" {
  description = "ARN of the role KEDA assumes to read the queue depth (roleArn of the subscriber's TriggerAuthentication)."
  value       = module.role["subscriber-scaler"].arn
}

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

output "service_accounts" {
  description = "Kubernetes service accounts (namespace/name) trusted by each role, by component."
  value       = { for k, r in module.role : k => one(r.service_accounts) }
}

output "role_policies" {
  description = "Inline policy (JSON) of each role, by component, for review."
  value       = { for k, r in module.role : k => r.policy }
}
