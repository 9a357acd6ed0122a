variable "name_prefix" {
  description = "Prefix of the physical names of the topic and the queues (for example \"dev-\"); the logical topic name stays topic_name."
  type        = string
  default     = ""
}

variable "topic_name" {
  description = "Logical name of the SNS topic, the name the publisher uses in ALLOWED_TOPICS."
  type        = string
  default     = "data-ingestion-topic"
}

variable "queue_name" {
  description = "Name of the SQS queue subscribed to the topic (before name_prefix)."
  type        = string
  default     = "data-ingestion-queue"
}

variable "dlq_name" {
  description = "Name of the dead-letter queue of the queue (before name_prefix)."
  type        = string
  default     = "data-ingestion-dlq"
}

variable "subscription_dlq_name" {
  description = "Name of the dead-letter queue of the SNS subscription, for messages SNS cannot deliver to the queue (before name_prefix)."
  type        = string
  default     = "data-ingestion-subscription-dlq"
}

variable "visibility_timeout_seconds" {
  description = "Visibility timeout of the queue. The subscriber's batches take a few seconds and it extends the timeout with ChangeMessageVisibility for longer work; a Lambda consumer needs at least its function timeout (AWS recommends six times)."
  type        = number
  default     = 30

  validation {
    condition     = var.visibility_timeout_seconds >= 10 && var.visibility_timeout_seconds <= 43200
    error_message = "The visibility timeout must be between 10 s (longer than a batch) and 43200 s."
  }
}

variable "receive_wait_time_seconds" {
  description = "Long-polling wait of ReceiveMessage in seconds."
  type        = number
  default     = 20

  validation {
    condition     = var.receive_wait_time_seconds >= 1 && var.receive_wait_time_seconds <= 20
    error_message = "Long polling needs a receive wait time between 1 and 20 s."
  }
}

variable "message_retention_seconds" {
  description = "Retention of messages in the queue in seconds."
  type        = number
  default     = 345600
}

variable "dlq_message_retention_seconds" {
  description = "Retention of messages in the dead-letter queues in seconds (the maximum, 14 days, by default)."
  type        = number
  default     = 1209600
}

variable "max_receive_count" {
  description = "Receives of a message after which SQS moves it to the dead-letter queue."
  type        = number
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000
    error_message = "max_receive_count must be between 1 and 1000."
  }
}

variable "enable_kms" {
  description = "Whether to encrypt the topic and the queues with a customer-managed KMS key. When false the queues use SQS-managed encryption and the topic is not encrypted (only for emulators and throw-away tests)."
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "ARN of an existing customer-managed key to use instead of creating one; its policy must let sns.amazonaws.com use it for this topic."
  type        = string
  default     = null
}

variable "kms_deletion_window_in_days" {
  description = "Waiting period before the created KMS key is deleted."
  type        = number
  default     = 30
}

variable "kms_data_key_reuse_period_seconds" {
  description = "How long SQS reuses a data key before calling KMS again."
  type        = number
  default     = 300
}

variable "enable_alarms" {
  description = "Whether to create the CloudWatch alarms on the dead-letter queues, on the age of the oldest message and on SNS's delivery to the queue."
  type        = bool
  default     = true
}

variable "alarm_actions" {
  description = "ARNs notified when an alarm fires or recovers (for example an SNS topic of the on-call team)."
  type        = list(string)
  default     = []
}

variable "dlq_depth_alarm_threshold" {
  description = "Messages in a dead-letter queue above which its alarm fires."
  type        = number
  default     = 0
}

variable "oldest_message_age_alarm_threshold_seconds" {
  description = "Age in seconds of the oldest message of the queue above which the alarm fires."
  type        = number
  default     = 300
}

variable "oldest_message_age_alarm_evaluation_periods" {
  description = "Consecutive minutes above the threshold before the age alarm fires."
  type        = number
  default     = 5
}

variable "sns_delivery_failures_alarm_threshold" {
  description = "Failed SNS deliveries to the queue (NumberOfNotificationsFailed) within 5 minutes above which its alarm fires."
  type        = number
  default     = 0
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
