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

variable "disposable_tag_patterns" {
  description = "Tag patterns of images that may be deleted after disposable_image_expiry_days (builds that are never deployed, for example \"pr-*\"); every other tagged image is kept."
  type        = list(string)
  default     = ["pr-*"]

  validation {
    condition     = alltrue([for p in var.disposable_tag_patterns : trimspace(replace(p, "*", "")) != ""])
    error_message = "A pattern must name a prefix or part of a tag: \"*\" alone would expire every image, deployed ones included."
  }
}

variable "disposable_image_expiry_days" {
  description = "Days after which images with disposable tags are deleted."
  type        = number
  default     = 14
}

variable "untagged_image_expiry_days" {
  description = "Days after which untagged images are deleted; null keeps them (the default: a multi-architecture image index refers to untagged images)."
  type        = number
  default     = null
}

variable "tags" {
  description = "Tags applied to every resource of the module."
  type        = map(string)
  default     = {}
}
