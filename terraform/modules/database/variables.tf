variable "identifier" {
  description = "Identifier of the RDS instance, also the prefix of the names of its subnet group, parameter group and security group."
  type        = string
}

variable "engine_version" {
  description = "PostgreSQL version: a major version (\"18\") lets RDS pick and upgrade the minor version; the parameter group family follows the major version."
  type        = string
  default     = "18"
}

variable "instance_class" {
  description = "Instance class of the database."
  type        = string
  default     = "db.t4g.medium"
}

variable "db_name" {
  description = "Name of the database created in the instance (PGDATABASE)."
  type        = string
  default     = "pubsub_ingest"
}

variable "username" {
  description = "Name of the master user; RDS manages its password in Secrets Manager."
  type        = string
  default     = "pubsub_ingest"
}

variable "port" {
  description = "TCP port of PostgreSQL."
  type        = number
  default     = 5432
}

variable "vpc_id" {
  description = "VPC of the database."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the database (two availability zones at least)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "RDS needs subnets in at least two availability zones."
  }
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to reach PostgreSQL, by a static key naming the client (for example eks_nodes, lambda_subscriber). No CIDR block is ever allowed."
  type        = map(string)
}

variable "allocated_storage" {
  description = "Initial storage in GiB."
  type        = number
  default     = 20
}

variable "max_allocated_storage" {
  description = "Upper limit of storage autoscaling in GiB (0 disables autoscaling)."
  type        = number
  default     = 100
}

variable "multi_az" {
  description = "Whether to run a standby in a second availability zone."
  type        = bool
  default     = false
}

variable "kms_key_arn" {
  description = "ARN of the KMS key of the storage and Performance Insights; null uses the AWS managed key of RDS."
  type        = string
  default     = null
}

variable "master_user_secret_kms_key_id" {
  description = "KMS key of the master user secret; null uses the AWS managed key of Secrets Manager."
  type        = string
  default     = null
}

variable "ca_cert_identifier" {
  description = "Certificate authority of the server certificate that clients verify (PGSSLMODE=verify-full)."
  type        = string
  default     = "rds-ca-rsa2048-g1"
}

variable "parameters" {
  description = "Additional parameters of the parameter group, by name (rds.force_ssl is always 1)."
  type = map(object({
    value        = string
    apply_method = optional(string, "pending-reboot")
  }))
  default = {}
}

variable "iam_database_authentication_enabled" {
  description = "Whether database users may log in with IAM authentication tokens (rds-db:connect) instead of passwords; enable it only when a client uses it."
  type        = bool
  default     = false
}

variable "backup_retention_period" {
  description = "Days of automated backups (1 to 35)."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_retention_period >= 1 && var.backup_retention_period <= 35
    error_message = "Backups are mandatory: keep them between 1 and 35 days."
  }
}

variable "backup_window" {
  description = "Daily backup window in UTC."
  type        = string
  default     = "02:00-03:00"
}

variable "maintenance_window" {
  description = "Weekly maintenance window in UTC."
  type        = string
  default     = "sun:03:30-sun:04:30"
}

variable "deletion_protection" {
  description = "Whether RDS refuses to delete the instance; also takes a final snapshot and keeps automated backups on deletion."
  type        = bool
  default     = true
}

variable "performance_insights_enabled" {
  description = "Whether Performance Insights is enabled."
  type        = bool
  default     = true
}

variable "performance_insights_retention_period" {
  description = "Days of Performance Insights data (7, 731 or a multiple of 31)."
  type        = number
  default     = 7
}

variable "monitoring_interval" {
  description = "Seconds between enhanced monitoring samples (0 disables it; 1, 5, 10, 15, 30 or 60)."
  type        = number
  default     = 60

  validation {
    condition     = contains([0, 1, 5, 10, 15, 30, 60], var.monitoring_interval)
    error_message = "monitoring_interval must be one of 0, 1, 5, 10, 15, 30, 60."
  }
}

variable "apply_immediately" {
  description = "Whether changes apply at once instead of in the next maintenance window."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags applied to every resource of the module."
  type        = map(string)
  default     = {}
}
