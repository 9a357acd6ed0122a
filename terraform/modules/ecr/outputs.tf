output "repository_urls" {
  description = "URLs of the repositories (image names without tag), by image."
  value       = { for k, v in aws_ecr_repository.this : k => v.repository_url }
}

output "repository_arns" {
  description = "ARNs of the repositories, by image."
  value       = { for k, v in aws_ecr_repository.this : k => v.arn }
}
