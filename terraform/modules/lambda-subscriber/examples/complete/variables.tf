variable "region" {
  description = "AWS region of the example."
  type        = string
  default     = "eu-west-1"
}

variable "lambda_zip" {
  description = "Path of the package built by `npm run build:lambda`."
  type        = string
  default     = "../../../../../subscriber/dist/lambda.zip"
}

variable "database_secret_arn" {
  description = "ARN of the secret with the database credentials."
  type        = string
}

variable "database_host" {
  description = "Host name of the database."
  type        = string
}
