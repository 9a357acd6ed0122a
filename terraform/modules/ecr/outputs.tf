output "repository_urls" {
  description = "URLs of the repositories (image names without tag), by image. Built from the account, region and name (the form ECR gives them), so they are known at plan time."
  value = {
    for k, v in aws_ecr_repository.this : k => "${data.aws_caller_identity.current.account_id}.dkr.ecr.${data.aws_region.current.region}.${data.aws_partition.current.dns_suffix}/${v.name}"
  }
}

output "repository_arns" {
  description = "ARNs of the repositories, by image."
  value = {
    for k, v in aws_ecr_repository.this : k => "arn:${data.aws_partition.current.partition}:ecr:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:repository/${v.name}"
  }
}

output "lifecycle_rules" {
  description = "Lifecycle rules of every repository (empty: nothing is ever expired)."
  value       = local.lifecycle_rules
}
