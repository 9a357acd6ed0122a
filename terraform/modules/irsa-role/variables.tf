variable "name" {
  description = "Name of the IAM role."
  type        = string

  validation {
    condition     = length(var.name) <= 64
    error_message = "IAM role names are at most 64 characters long."
  }
}

variable "description" {
  description = "Description of the IAM role."
  type        = string
  default     = null
}

variable "oidc_provider_arn" {
  description = "ARN of the IAM OIDC provider of the EKS cluster."
  type        = string
}

variable "oidc_issuer" {
  description = "OIDC issuer of the cluster without https:// (for example oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE)."
  type        = string

  validation {
    condition     = !startswith(var.oidc_issuer, "https://")
    error_message = "Give the issuer without the https:// scheme."
  }
}

variable "service_accounts" {
  description = "Kubernetes service accounts allowed to assume the role, as \"namespace/name\" (no wildcards)."
  type        = list(string)

  validation {
    condition     = length(var.service_accounts) > 0 && alltrue([for sa in var.service_accounts : can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$", sa))])
    error_message = "Give at least one service account, each as namespace/name, without wildcards."
  }
}

variable "policy" {
  description = "Inline policy of the role (a JSON document); null for none."
  type        = string
  default     = null
}

variable "managed_policy_arns" {
  description = "AWS managed policies attached to the role, by a static key."
  type        = map(string)
  default     = {}
}

variable "max_session_duration" {
  description = "Maximum session duration of the role in seconds."
  type        = number
  default     = 3600
}

variable "tags" {
  description = "Tags of the role."
  type        = map(string)
  default     = {}
}
