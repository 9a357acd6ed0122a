output "publisher_role_arn" {
  description = "Role of the publisher's service account."
  value       = module.irsa.publisher_role_arn
}

output "subscriber_role_arn" {
  description = "Role of the subscriber's service account."
  value       = module.irsa.subscriber_role_arn
}
