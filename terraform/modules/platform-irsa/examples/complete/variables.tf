variable "region" {
  description = "AWS region of the example."
  type        = string
  default     = "eu-west-1"
}

variable "oidc_provider_arn" {
  description = "ARN of the IAM OIDC provider of an EKS cluster."
  type        = string
}

variable "oidc_issuer" {
  description = "OIDC issuer of the cluster without https://."
  type        = string
}
