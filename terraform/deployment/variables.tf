variable "environment" {
  description = "Name of the environment (dev, prod); prefixes the names of its resources."
  type        = string
}

variable "region" {
  description = "AWS region of the environment."
  type        = string
}

variable "allowed_account_ids" {
  description = "AWS accounts this environment may be applied to; guards against applying it with the wrong credentials."
  type        = list(string)
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC (a /16: public /20 and private /18 subnets are carved from it)."
  type        = string
}

variable "azs" {
  description = "Availability zones (two or three)."
  type        = list(string)

  validation {
    condition     = length(var.azs) >= 2 && length(var.azs) <= 3
    error_message = "Use two or three availability zones."
  }
}

variable "single_nat_gateway" {
  description = "Whether all availability zones share one NAT gateway."
  type        = bool
}

variable "kubernetes_version" {
  description = "Kubernetes version of the EKS control plane."
  type        = string
}

variable "eks_endpoint_public_access" {
  description = "Whether the Kubernetes API is reachable from the internet (from eks_endpoint_public_access_cidrs only)."
  type        = bool
  default     = false
}

variable "eks_endpoint_public_access_cidrs" {
  description = "CIDR blocks allowed to reach the public Kubernetes API."
  type        = list(string)
  default     = []
}

variable "eks_admin_principal_arns" {
  description = "IAM principals given cluster-admin through EKS access entries, by a static key (the creator of the cluster gets no access of its own)."
  type        = map(string)

  validation {
    condition     = length(var.eks_admin_principal_arns) > 0
    error_message = "Name at least one cluster administrator, or nobody can use the cluster."
  }
}

variable "eks_node_groups" {
  description = "Managed node groups of the cluster, by name (see the eks module)."
  type = map(object({
    instance_types = list(string)
    capacity_type  = optional(string, "ON_DEMAND")
    ami_type       = optional(string, "AL2023_x86_64_STANDARD")
    min_size       = number
    max_size       = number
    desired_size   = number
    disk_size      = optional(number, 50)
    labels         = optional(map(string), {})
  }))
}

variable "eks_deletion_protection" {
  description = "Whether EKS refuses to delete the cluster."
  type        = bool
}

variable "namespace" {
  description = "Kubernetes namespace of the application."
  type        = string
  default     = "pubsub-ingest"
}

variable "publisher_service_account" {
  description = "Kubernetes service account of the publisher."
  type        = string
  default     = "publisher"
}

variable "subscriber_service_account" {
  description = "Kubernetes service account of the subscriber."
  type        = string
  default     = "subscriber"
}

variable "migration_service_account" {
  description = "Kubernetes service account of the publisher chart's migration Job."
  type        = string
  default     = "publisher-migrate"
}

variable "keda_operator_service_account" {
  description = "Service account (namespace/name) of the KEDA operator, which reads the queue depth for the subscriber's autoscaling."
  type        = string
  default     = "keda/keda-operator"
}

variable "ci_service_accounts" {
  description = "Service accounts (namespace/name) of the CI agents that push the images to ECR. CI runs in the cluster: the Kubernetes API is private."
  type        = list(string)
  default     = ["jenkins/jenkins-agent"]
}

variable "database_auth" {
  description = "How the publisher and the subscriber authenticate to the database: \"secrets_manager\" (they read the RDS-managed secret when they open a connection, so the rotated password is picked up) or \"iam\" (IAM authentication tokens as their own least-privilege database users, database_iam_users)."
  type        = string
  default     = "secrets_manager"

  validation {
    condition     = contains(["secrets_manager", "iam"], var.database_auth)
    error_message = "database_auth is \"secrets_manager\" or \"iam\"."
  }
}

variable "database_iam_users" {
  description = "Database users of the publisher and the subscriber with database_auth = \"iam\"; the migration creates them with only the privileges each service needs."
  type = object({
    publisher  = string
    subscriber = string
  })
  default = {
    publisher  = "pubsub_ingest_publisher"
    subscriber = "pubsub_ingest_subscriber"
  }
}

variable "ecr_disposable_tag_patterns" {
  description = "Image tag patterns that ECR may expire (builds that are never deployed); every other image is kept."
  type        = list(string)
  default     = ["pr-*"]
}

variable "queue_visibility_timeout_seconds" {
  description = "Visibility timeout of the queue for the EKS subscriber (raised to six times the function timeout when the Lambda subscriber is enabled)."
  type        = number
  default     = 30
}

variable "max_receive_count" {
  description = "Receives after which a message goes to the dead-letter queue."
  type        = number
  default     = 5
}

variable "db_instance_class" {
  description = "Instance class of the database."
  type        = string
}

variable "db_multi_az" {
  description = "Whether the database has a standby in another availability zone."
  type        = bool
}

variable "db_backup_retention_period" {
  description = "Days of automated database backups."
  type        = number
}

variable "db_deletion_protection" {
  description = "Whether the database is protected from deletion."
  type        = bool
}

variable "db_performance_insights_enabled" {
  description = "Whether Performance Insights is enabled on the database."
  type        = bool
}

variable "db_monitoring_interval" {
  description = "Seconds between enhanced monitoring samples of the database (0 disables it)."
  type        = number
}

variable "enable_lambda_subscriber" {
  description = "Whether to deploy the Lambda variant of the subscriber (then do not install the subscriber chart: helm_values has no subscriber part)."
  type        = bool
  default     = false
}

variable "lambda_zip_path" {
  description = "Path of the package built by `npm run build:lambda`, relative to this directory."
  type        = string
  default     = "../../subscriber/dist/lambda.zip"
}

variable "lambda_timeout" {
  description = "Timeout of the Lambda subscriber in seconds."
  type        = number
  default     = 20
}

variable "lambda_maximum_concurrency" {
  description = "Upper limit of concurrent Lambda subscriber invocations (bounds the database connections)."
  type        = number
  default     = 5
}
