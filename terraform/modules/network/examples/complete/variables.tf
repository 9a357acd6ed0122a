variable "region" {
  description = "AWS region of the example."
  type        = string
  default     = "eu-west-1"
}
