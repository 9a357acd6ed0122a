variable "name_prefix" {
  description = "Prefix of the repository names (for example \"pubsub-ingest/\")."
  type        = string
  default     = "pubsub-ingest/"
}

variable "repositories" {
  description = "Repositories to create (after name_prefix), one per image."
  type        = list(string)
  default     = ["publisher", "subscriber"]
}

variable "kms_key_arn" {
  description = "ARN of the KMS key of the images; null uses the AWS managed key of ECR."
  type        = string
  default     = null
}

variable "untagged_image_expiry_days" {
  description = "Days after which untagged images are deleted."
  type        = number
  default     = 7
}

variable "max_image_count" {
  description = "Images kept per repository; older ones are deleted."
  type        = number
  default     = 50
}

variable "tags" {
  description = "Tags applied to every resource of the module."
  type        = map(string)
  default     = {}
}
