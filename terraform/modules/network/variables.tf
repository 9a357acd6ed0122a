variable "name" {
  description = "Name of the VPC, used as prefix for the names of every resource of the module."
  type        = string
}

variable "cidr" {
  description = "IPv4 CIDR block of the VPC."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.cidr, 0))
    error_message = "The cidr must be a valid IPv4 CIDR block."
  }
}

variable "azs" {
  description = "Availability zones to spread the subnets over (at least two; EKS and RDS need two)."
  type        = list(string)

  validation {
    condition     = length(var.azs) >= 2
    error_message = "Give at least two availability zones."
  }
}

variable "public_subnets" {
  description = "CIDR blocks of the public subnets, one per availability zone, in the order of azs."
  type        = list(string)
}

variable "private_subnets" {
  description = "CIDR blocks of the private subnets, one per availability zone, in the order of azs."
  type        = list(string)
}

variable "enable_nat_gateway" {
  description = "Whether to create NAT gateway(s) so that the private subnets reach the internet."
  type        = bool
  default     = true
}

variable "single_nat_gateway" {
  description = "Whether to share one NAT gateway between all availability zones (cheaper, not zone-redundant)."
  type        = bool
  default     = false
}

variable "interface_endpoint_services" {
  description = "AWS services that get an interface VPC endpoint in the private subnets (S3 always gets a gateway endpoint)."
  type        = list(string)
  default     = ["sqs", "sns", "secretsmanager", "ecr.api", "ecr.dkr", "sts", "logs"]
}

variable "public_subnet_tags" {
  description = "Additional tags of the public subnets (for example the tag that lets Kubernetes place internet-facing load balancers)."
  type        = map(string)
  default     = {}
}

variable "private_subnet_tags" {
  description = "Additional tags of the private subnets (for example the tag that lets Kubernetes place internal load balancers)."
  type        = map(string)
  default     = {}
}

variable "enable_flow_logs" {
  description = "Whether to record the VPC flow logs in CloudWatch Logs."
  type        = bool
  default     = true
}

variable "flow_logs_retention_in_days" {
  description = "Retention of the VPC flow logs in days."
  type        = number
  default     = 365
}

variable "flow_logs_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the flow log group; null uses the CloudWatch Logs default encryption."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags applied to every resource of the module."
  type        = map(string)
  default     = {}
}
