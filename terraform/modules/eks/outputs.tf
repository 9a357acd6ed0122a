output "cluster_name" {
  description = "Name of the EKS cluster."
  value       = aws_eks_cluster.this.name
}

output "cluster_arn" {
  description = "ARN of the EKS cluster."
  value       = aws_eks_cluster.this.arn
}

output "cluster_endpoint" {
  description = "Endpoint of the Kubernetes API."
  value       = aws_eks_cluster.this.endpoint
}

output "cluster_certificate_authority_data" {
  description = "Base64-encoded certificate authority of the Kubernetes API."
  value       = aws_eks_cluster.this.certificate_authority[0].data
}

output "cluster_version" {
  description = "Kubernetes version of the control plane."
  value       = aws_eks_cluster.this.version
}

output "cluster_security_group_id" {
  description = "ID of the security group that EKS created for the cluster; managed node groups use it too."
  value       = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
}

output "node_security_group_id" {
  description = "ID of the security group of the nodes: the cluster security group, which EKS attaches to every managed node. Allow it on the database."
  value       = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
}

output "node_role_arn" {
  description = "ARN of the IAM role of the nodes."
  value       = aws_iam_role.node.arn
}

output "oidc_provider_arn" {
  description = "ARN of the IAM OIDC provider of the cluster, the federated principal of IRSA roles."
  value       = aws_iam_openid_connect_provider.this.arn
}

output "oidc_issuer" {
  description = "OIDC issuer of the cluster without the https:// scheme, the prefix of the IRSA condition keys."
  value       = local.oidc_issuer
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the Kubernetes secrets."
  value       = local.kms_key_arn
}

output "addon_role_arns" {
  description = "ARNs of the IRSA roles of the add-ons that have one, by add-on name."
  value       = { for k, r in module.addon_role : k => r.arn }
}

output "addon_configuration" {
  description = "Configuration values (JSON) of each add-on, by add-on name (null for the defaults)."
  value       = local.addon_configuration
}
