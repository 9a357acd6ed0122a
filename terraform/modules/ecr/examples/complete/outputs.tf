output "repository_urls" {
  description = "URLs of the repositories."
  value       = module.ecr.repository_urls
}
