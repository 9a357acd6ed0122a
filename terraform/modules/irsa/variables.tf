variable "name_prefix" {
  description = "Prefix of the role names; the roles are named <name_prefix>publisher and <name_prefix>subscriber."
  type        = string
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

variable "namespace" {
  description = "Kubernetes namespace of the service accounts."
  type        = string
  default     = "pubsub-ingest"
}

variable "publisher_service_account" {
  description = "Name of the publisher's Kubernetes service account."
  type        = string
  default     = "publisher"
}

variable "subscriber_service_account" {
  description = "Name of the subscriber's Kubernetes service account."
  type        = string
  default     = "subscriber"
}

variable "topic_arn" {
  description = "ARN of the only topic the publisher may publish to."
  type        = string
}

variable "queue_arn" {
  description = "ARN of the only queue the subscriber may consume."
  type        = string
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed key of the topic and the queue; null when they have none."
  type        = string
  default     = null
}

variable "database_secret_arn" {
  description = "ARN of the secret with the database credentials that the subscriber may read; null grants none."
  type        = string
  default     = null
}

variable "database_secret_kms_key_arn" {
  description = "ARN of the customer-managed key of the database secret; null when it uses the AWS managed key of Secrets Manager."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags applied to every resource of the module."
  type        = map(string)
  default     = {}
}
