output "role_arns" {
  description = "Roles of the cluster add-ons and of CI, by component."
  value       = module.platform_irsa.role_arns
}
