variable "name" {
  description = "Name of the EKS cluster, also the prefix of the names of its IAM roles and launch templates."
  type        = string
}

variable "kubernetes_version" {
  description = "Kubernetes version of the control plane (for example \"1.34\"); null lets EKS pick its default at creation."
  type        = string
  default     = null
}

variable "subnet_ids" {
  description = "Private subnets of the control plane network interfaces and of the nodes (two availability zones at least)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "EKS needs subnets in at least two availability zones."
  }
}

variable "endpoint_public_access" {
  description = "Whether the Kubernetes API is also reachable from the internet (always reachable from inside the VPC)."
  type        = bool
  default     = false
}

variable "endpoint_public_access_cidrs" {
  description = "CIDR blocks allowed to reach the public Kubernetes API endpoint when endpoint_public_access is true."
  type        = list(string)
  default     = []
}

variable "cluster_admin_principal_arns" {
  description = "IAM principals (roles or users) given cluster-admin through EKS access entries, by a static key."
  type        = map(string)
  default     = {}
}

variable "cluster_log_types" {
  description = "Control plane log types sent to CloudWatch Logs."
  type        = list(string)
  default     = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
}

variable "log_retention_in_days" {
  description = "Retention of the control plane logs in days."
  type        = number
  default     = 365
}

variable "log_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the control plane log group; null uses the CloudWatch Logs default encryption."
  type        = string
  default     = null
}

variable "kms_key_arn" {
  description = "ARN of an existing KMS key for the envelope encryption of Kubernetes secrets; null creates a key."
  type        = string
  default     = null
}

variable "deletion_protection" {
  description = "Whether EKS refuses to delete the cluster until this is switched off."
  type        = bool
  default     = false
}

variable "node_groups" {
  description = "Managed node groups, by name."
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

  validation {
    condition     = alltrue([for g in values(var.node_groups) : g.min_size <= g.desired_size && g.desired_size <= g.max_size])
    error_message = "Every node group needs min_size <= desired_size <= max_size."
  }
}

variable "addons" {
  description = "EKS managed add-ons, by add-on name. version null takes the default version for the cluster; before_compute add-ons are installed before the node groups; configuration_values is the add-on's JSON configuration. vpc-cni and aws-ebs-csi-driver get IRSA roles of their own."
  type = map(object({
    version              = optional(string)
    before_compute       = optional(bool, false)
    configuration_values = optional(string)
  }))
  default = {
    "vpc-cni"            = { before_compute = true }
    "kube-proxy"         = { before_compute = true }
    "coredns"            = {}
    "aws-ebs-csi-driver" = {}
  }
}

variable "enable_network_policy" {
  description = "Whether the VPC CNI enforces Kubernetes NetworkPolicies (its network policy agent). The charts rely on it."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags applied to every resource of the module."
  type        = map(string)
  default     = {}
}
