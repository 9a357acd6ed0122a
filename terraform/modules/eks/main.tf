data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id

  create_kms_key = var.kms_key_arn == null
  kms_key_arn    = local.create_kms_key ? aws_kms_key.this[0].arn : var.kms_key_arn

  oidc_issuer = replace(aws_eks_cluster.this.identity[0].oidc[0].issuer, "https://", "")

  # Networking add-ons must run before the nodes join; CoreDNS needs nodes to schedule on.
  addons_before_compute = { for k, v in var.addons : k => v if v.before_compute }
  addons_after_compute  = { for k, v in var.addons : k => v if !v.before_compute }

  # Add-ons with an IRSA role: their service account and AWS managed policy.
  addon_roles = {
    "vpc-cni"            = { service_account = "kube-system/aws-node", policy = "AmazonEKS_CNI_Policy" }
    "aws-ebs-csi-driver" = { service_account = "kube-system/ebs-csi-controller-sa", policy = "service-role/AmazonEBSCSIDriverPolicy" }
  }

  # Configuration of each add-on. The VPC CNI enforces Kubernetes
  # NetworkPolicies only with its network policy agent switched on: without
  # it, the charts' NetworkPolicies are accepted and silently ignored.
  addon_configuration = {
    for k, v in var.addons : k => (
      k == "vpc-cni" ? jsonencode(merge(try(jsondecode(v.configuration_values), {}), { enableNetworkPolicy = tostring(var.enable_network_policy) })) : v.configuration_values
    )
  }
}

################################################################################
# Control plane
################################################################################

resource "aws_iam_role" "cluster" {
  name = "${var.name}-cluster"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "eks.amazonaws.com" }
      Action    = ["sts:AssumeRole", "sts:TagSession"]
    }]
  })

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "cluster" {
  role       = aws_iam_role.cluster.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonEKSClusterPolicy"
}

resource "aws_kms_key" "this" {
  count = local.create_kms_key ? 1 : 0

  description             = "Envelope encryption of the Kubernetes secrets of the EKS cluster ${var.name}"
  deletion_window_in_days = 30
  enable_key_rotation     = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministration"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "ClusterRoleUse"
        Effect    = "Allow"
        Principal = { AWS = aws_iam_role.cluster.arn }
        Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"]
        Resource  = "*"
      },
    ]
  })

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  count = local.create_kms_key ? 1 : 0

  name          = "alias/eks/${var.name}"
  target_key_id = aws_kms_key.this[0].key_id
}

# Created before the cluster so that its retention and encryption apply from the start.
resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/eks/${var.name}/cluster"
  retention_in_days = var.log_retention_in_days
  kms_key_id        = var.log_kms_key_arn

  tags = var.tags
}

resource "aws_eks_cluster" "this" {
  name     = var.name
  version  = var.kubernetes_version
  role_arn = aws_iam_role.cluster.arn

  bootstrap_self_managed_addons = false
  enabled_cluster_log_types     = var.cluster_log_types
  deletion_protection           = var.deletion_protection

  access_config {
    authentication_mode                         = "API"
    bootstrap_cluster_creator_admin_permissions = false
  }

  vpc_config {
    subnet_ids              = var.subnet_ids
    endpoint_private_access = true
    endpoint_public_access  = var.endpoint_public_access
    public_access_cidrs     = var.endpoint_public_access ? var.endpoint_public_access_cidrs : null
  }

  encryption_config {
    resources = ["secrets"]
    provider {
      key_arn = local.kms_key_arn
    }
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = !var.endpoint_public_access || !contains(var.endpoint_public_access_cidrs, "0.0.0.0/0")
      error_message = "A public API endpoint must be limited to known CIDR blocks, not 0.0.0.0/0."
    }
  }

  depends_on = [
    aws_iam_role_policy_attachment.cluster,
    aws_cloudwatch_log_group.this,
  ]
}

################################################################################
# Cluster access (access entries; the aws-auth ConfigMap is not used)
################################################################################

resource "aws_eks_access_entry" "admin" {
  for_each = var.cluster_admin_principal_arns

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = each.value

  tags = var.tags
}

resource "aws_eks_access_policy_association" "admin" {
  for_each = var.cluster_admin_principal_arns

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = aws_eks_access_entry.admin[each.key].principal_arn
  policy_arn    = "arn:${local.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

  access_scope {
    type = "cluster"
  }
}

################################################################################
# IAM OIDC provider for IAM roles for service accounts (IRSA)
################################################################################

resource "aws_iam_openid_connect_provider" "this" {
  url            = aws_eks_cluster.this.identity[0].oidc[0].issuer
  client_id_list = ["sts.amazonaws.com"]

  tags = merge(var.tags, { Name = "${var.name}-irsa" })
}

# Add-ons that call AWS get their own roles through IRSA instead of using the
# node role: the VPC CNI (ENIs and addresses) and the EBS CSI driver (volumes).
module "addon_role" {
  source   = "../irsa-role"
  for_each = { for k, v in local.addon_roles : k => v if contains(keys(var.addons), k) }

  name              = "${var.name}-${each.key}"
  description       = "IRSA role of the ${each.key} add-on of the EKS cluster ${var.name}"
  oidc_provider_arn = aws_iam_openid_connect_provider.this.arn
  oidc_issuer       = local.oidc_issuer
  service_accounts  = [each.value.service_account]
  managed_policy_arns = {
    (each.value.policy) = "arn:${local.partition}:iam::aws:policy/${each.value.policy}"
  }

  tags = var.tags
}

################################################################################
# Add-ons
################################################################################

resource "aws_eks_addon" "before_compute" {
  for_each = local.addons_before_compute

  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = each.key
  addon_version               = each.value.version
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"
  configuration_values        = local.addon_configuration[each.key]
  service_account_role_arn    = try(module.addon_role[each.key].arn, null)

  tags = var.tags

  depends_on = [module.addon_role]
}

resource "aws_eks_addon" "after_compute" {
  for_each = local.addons_after_compute

  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = each.key
  addon_version               = each.value.version
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"
  configuration_values        = local.addon_configuration[each.key]
  service_account_role_arn    = try(module.addon_role[each.key].arn, null)

  tags = var.tags

  depends_on = [aws_eks_node_group.this, module.addon_role]
}

################################################################################
# Managed node groups
################################################################################

resource "aws_iam_role" "node" {
  name = "${var.name}-node"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "node" {
  for_each = toset([
    "AmazonEKSWorkerNodePolicy",
    "AmazonEC2ContainerRegistryPullOnly",
  ])

  role       = aws_iam_role.node.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/${each.value}"
}

# IMDSv2 only, and a hop limit of 1 so that pods cannot borrow the node role:
# workloads get their AWS credentials through IRSA.
resource "aws_launch_template" "node" {
  for_each = var.node_groups

  name_prefix            = "${var.name}-${each.key}-"
  description            = "Nodes of the ${each.key} node group of the EKS cluster ${var.name}"
  update_default_version = true

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size           = each.value.disk_size
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  tag_specifications {
    resource_type = "instance"
    tags          = merge(var.tags, { Name = "${var.name}-${each.key}" })
  }

  tags = var.tags
}

resource "aws_eks_node_group" "this" {
  for_each = var.node_groups

  cluster_name    = aws_eks_cluster.this.name
  node_group_name = each.key
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = var.subnet_ids
  ami_type        = each.value.ami_type
  capacity_type   = each.value.capacity_type
  instance_types  = each.value.instance_types
  labels          = each.value.labels

  launch_template {
    id      = aws_launch_template.node[each.key].id
    version = aws_launch_template.node[each.key].latest_version
  }

  scaling_config {
    min_size     = each.value.min_size
    max_size     = each.value.max_size
    desired_size = each.value.desired_size
  }

  update_config {
    max_unavailable = 1
  }

  tags = var.tags

  lifecycle {
    # The cluster autoscaler (role: modules/platform-irsa; installed from its
    # Helm chart, see terraform/README.md) owns the desired size once the
    # group exists; without it the group stays at desired_size.
    ignore_changes = [scaling_config[0].desired_size]
  }

  depends_on = [
    aws_iam_role_policy_attachment.node,
    aws_eks_addon.before_compute,
  ]
}

moved {
  from = aws_iam_role.vpc_cni
  to   = module.addon_role["vpc-cni"].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy_attachment.vpc_cni
  to   = module.addon_role["vpc-cni"].aws_iam_role_policy_attachment.this["AmazonEKS_CNI_Policy"]
}
