variable "name_prefix" {
  description = "Prefix of the role names; the roles are named <name_prefix>publisher, <name_prefix>subscriber, <name_prefix>migrator and <name_prefix>subscriber-scaler."
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
  description = "Kubernetes namespace of the application's service accounts."
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

variable "migration_service_account" {
  description = "Name of the Kubernetes service account of the publisher chart's migration Job (a hook, created before the Job)."
  type        = string
  default     = "publisher-migrate"
}

variable "keda_operator_service_account" {
  description = "KEDA operator's service account (namespace/name); it assumes the scaler role to read the queue depth."
  type        = string
  default     = "keda/keda-operator"
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

variable "database_auth" {
  description = "How the publisher and the subscriber authenticate to the database: \"secrets_manager\" (they read the RDS-managed master secret at connect time) or \"iam\" (IAM database authentication as their own database users). The migration always reads the secret: it owns the schema."
  type        = string
  default     = "secrets_manager"

  validation {
    condition     = contains(["secrets_manager", "iam"], var.database_auth)
    error_message = "database_auth is \"secrets_manager\" or \"iam\"."
  }
}

variable "database_secret_arn" {
  description = "ARN of the secret with the database master credentials (read by the migration, and by the services with database_auth = \"secrets_manager\")."
  type        = string
}

variable "database_secret_kms_key_arn" {
  description = "ARN of the customer-managed key of the database secret; null when it uses the AWS managed key of Secrets Manager."
  type        = string
  default     = null
}

variable "database_resource_id" {
  description = "Resource ID (db-...) of the RDS instance, the scope of rds-db:connect; needed with database_auth = \"iam\"."
  type        = string
  default     = null

  validation {
    condition     = var.database_auth != "iam" || var.database_resource_id != null
    error_message = "database_auth = \"iam\" needs database_resource_id: rds-db:connect is scoped to the instance."
  }
}

variable "database_users" {
  description = "Database users of the publisher and the subscriber with database_auth = \"iam\" (the migration creates them and grants them their privileges)."
  type = object({
    publisher  = string
    subscriber = string
  })
  default = {
    publisher  = "pubsub_ingest_publisher"
    subscriber = "pubsub_ingest_subscriber"
  }
}

variable "tags" {
  description = "Tags applied to every resource of the module."
  type        = map(string)
  default     = {}
}
