variable "name_prefix" {
  description = "Prefix of the role names (<name_prefix><component>)."
  type        = string
}

variable "oidc_provider_arn" {
  description = "ARN of the IAM OIDC provider of the EKS cluster."
  type        = string
}

variable "oidc_issuer" {
  description = "OIDC issuer of the cluster without https://."
  type        = string

  validation {
    condition     = !startswith(var.oidc_issuer, "https://")
    error_message = "Give the issuer without the https:// scheme."
  }
}

variable "cluster_name" {
  description = "Name of the EKS cluster; the cluster autoscaler may resize only the node groups tagged as owned by it."
  type        = string
}

variable "service_accounts" {
  description = "Service accounts (namespace/name) of the cluster add-ons, as their Helm charts name them by default."
  type = object({
    keda_operator                = optional(string, "keda/keda-operator")
    aws_load_balancer_controller = optional(string, "kube-system/aws-load-balancer-controller")
    cluster_autoscaler           = optional(string, "kube-system/cluster-autoscaler")
    cloudwatch_exporter          = optional(string, "monitoring/cloudwatch-exporter")
  })
  default = {}
}

variable "ecr_repository_arns" {
  description = "ARNs of the image repositories CI may push to, by image."
  type        = map(string)
}

variable "ci_service_accounts" {
  description = "Service accounts (namespace/name) of the CI agents that build and push the images (they run in the cluster, inside the VPC, like everything that talks to the private Kubernetes API)."
  type        = list(string)
  default     = ["jenkins/jenkins-agent"]
}

variable "tags" {
  description = "Tags applied to every resource of the module."
  type        = map(string)
  default     = {}
}
