variable "function_name" {
  description = "Name of the Lambda function, also the name of its role and the prefix of its security group."
  type        = string
}

variable "filename" {
  description = "Path of the deployment package, the zip built by `npm run build:lambda` (subscriber/dist/lambda.zip)."
  type        = string
}

variable "source_code_hash" {
  description = "Base64 SHA-256 of the package; null computes it from filename (the file must then exist at plan time)."
  type        = string
  default     = null
}

variable "runtime" {
  description = "Lambda runtime of the function."
  type        = string
  default     = "nodejs24.x"
}

variable "handler" {
  description = "Handler of the function inside the package."
  type        = string
  default     = "index.handler"
}

variable "architectures" {
  description = "Instruction set of the function."
  type        = list(string)
  default     = ["x86_64"]
}

variable "memory_size" {
  description = "Memory of the function in MiB."
  type        = number
  default     = 256
}

variable "timeout" {
  description = "Timeout of one invocation in seconds; must not exceed the visibility timeout of the queue."
  type        = number
  default     = 20
}

variable "reserved_concurrent_executions" {
  description = "Concurrency reserved for the function (null reserves none); keep it at least maximum_concurrency."
  type        = number
  default     = null
}

variable "environment_kms_key_arn" {
  description = "KMS key that encrypts the environment variables; null uses the AWS managed key of Lambda (they hold no secret)."
  type        = string
  default     = null
}

variable "environment_variables" {
  description = "Additional environment variables of the function (never secrets: the database password comes from the secret)."
  type        = map(string)
  default     = {}
}

variable "queue_arn" {
  description = "ARN of the SQS queue the function consumes."
  type        = string
}

variable "queue_visibility_timeout_seconds" {
  description = "Visibility timeout of the queue, checked against the function timeout."
  type        = number
}

variable "queue_kms_key_arn" {
  description = "ARN of the KMS key of the queue (null for a queue without customer-managed key)."
  type        = string
  default     = null
}

variable "batch_size" {
  description = "Messages per invocation."
  type        = number
  default     = 10
}

variable "maximum_batching_window_in_seconds" {
  description = "Seconds the event source waits to fill a batch."
  type        = number
  default     = 0
}

variable "maximum_concurrency" {
  description = "Upper limit of concurrent invocations by the SQS event source (2 to 1000); protects the database from too many connections."
  type        = number
  default     = 5

  validation {
    condition     = var.maximum_concurrency >= 2 && var.maximum_concurrency <= 1000
    error_message = "maximum_concurrency must be between 2 and 1000."
  }
}

variable "vpc_id" {
  description = "VPC of the function."
  type        = string
}

variable "vpc_cidr_block" {
  description = "CIDR block of the VPC, the only destination of the function's egress (database and VPC endpoints)."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the function's network interfaces."
  type        = list(string)
}

variable "database_secret_arn" {
  description = "ARN of the Secrets Manager secret with the database credentials (JSON with username and password)."
  type        = string
}

variable "database_secret_kms_key_arn" {
  description = "ARN of the customer-managed KMS key of the secret; null when the secret uses the AWS managed key of Secrets Manager."
  type        = string
  default     = null
}

variable "database_host" {
  description = "Host name of the database (PGHOST)."
  type        = string
}

variable "database_port" {
  description = "Port of the database (PGPORT)."
  type        = number
  default     = 5432
}

variable "database_username" {
  description = "Database user the function connects as (PGUSER): the user of the secret, the RDS master user."
  type        = string
}

variable "database_name" {
  description = "Name of the database (PGDATABASE)."
  type        = string
}

variable "log_retention_in_days" {
  description = "Retention of the function's logs in days."
  type        = number
  default     = 365
}

variable "log_kms_key_arn" {
  description = "ARN of the KMS key of the log group; null uses the CloudWatch Logs default encryption."
  type        = string
  default     = null
}

variable "enable_alarms" {
  description = "Whether to create the CloudWatch alarms on the function's errors and throttles."
  type        = bool
  default     = true
}

variable "alarm_actions" {
  description = "ARNs notified when an alarm fires or recovers (for example an SNS topic of the on-call team)."
  type        = list(string)
  default     = []
}

variable "alarm_evaluation_periods" {
  description = "Minutes an alarm looks back over."
  type        = number
  default     = 5
}

variable "alarm_datapoints_to_alarm" {
  description = "Minutes with errors (or throttles) among alarm_evaluation_periods that fire the alarm."
  type        = number
  default     = 3
}

variable "runbook_base_url" {
  description = "Page of the runbooks each alarm description links to, at the section of the alarm (docs/operations.md of the repository)."
  type        = string
  default     = "https://github.com/pubsub-ingest/pubsub-ingest/blob/main/docs/operations.md"

  validation {
    condition     = can(regex("^https?://[^\\s#]+$", var.runbook_base_url))
    error_message = "runbook_base_url must be an http(s) URL without a fragment."
  }
}

variable "tags" {
  description = "Tags applied to every resource of the module."
  type        = map(string)
  default     = {}
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the ingest metrics the function writes as Embedded Metric Format (ingest_messages_total by outcome, ingest_lag_seconds, ingest_batch_size, ingest_batch_duration_seconds)."
  type        = string
  default     = "PubsubIngest"

  validation {
    condition     = length(var.metrics_namespace) > 0 && length(var.metrics_namespace) <= 255 && !startswith(var.metrics_namespace, "AWS/")
    error_message = "metrics_namespace must be 1 to 255 characters and not start with AWS/ (reserved for AWS services)."
  }
}
