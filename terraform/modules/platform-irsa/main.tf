data "aws_region" "current" {}

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

locals {
  region     = data.aws_region.current.region
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id

  roles = {
    # The KEDA operator needs an IRSA identity of its own only to hold a web
    # identity token: with it, it assumes the scaler role that a
    # TriggerAuthentication names (see modules/irsa). The role itself may do
    # nothing.
    keda-operator = {
      service_accounts = [var.service_accounts.keda_operator]
      policy           = null
    }

    # The AWS Load Balancer Controller turns the publisher's Ingress into an
    # ALB. Its policy is the upstream one, unchanged (policies/, with the
    # controller version in the file name); install the same version.
    aws-load-balancer-controller = {
      service_accounts = [var.service_accounts.aws_load_balancer_controller]
      policy           = file("${path.module}/policies/aws-load-balancer-controller-v2.17.1.json")
    }

    # The cluster autoscaler resizes the managed node groups between their
    # min_size and max_size. EKS tags the groups' Auto Scaling groups with
    # k8s.io/cluster-autoscaler/<cluster> = owned; only those may be resized.
    cluster-autoscaler = {
      service_accounts = [var.service_accounts.cluster_autoscaler]
      policy = jsonencode({
        Version = "2012-10-17"
        Statement = [
          {
            Sid    = "ResizeOwnNodeGroups"
            Effect = "Allow"
            Action = ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]
            # Auto Scaling group ARNs contain a generated ID: the tag condition scopes them.
            Resource  = "arn:${local.partition}:autoscaling:${local.region}:${local.account_id}:autoScalingGroup:*:autoScalingGroupName/*"
            Condition = { StringEquals = { "aws:ResourceTag/k8s.io/cluster-autoscaler/${var.cluster_name}" = "owned" } }
          },
          {
            Sid      = "DescribeNodeGroups"
            Effect   = "Allow"
            Action   = ["eks:DescribeNodegroup"]
            Resource = "arn:${local.partition}:eks:${local.region}:${local.account_id}:nodegroup/${var.cluster_name}/*/*"
          },
          {
            # These Describe and Get actions support no resource-level permissions.
            Sid    = "DescribeCapacity"
            Effect = "Allow"
            Action = [
              "autoscaling:DescribeAutoScalingGroups",
              "autoscaling:DescribeAutoScalingInstances",
              "autoscaling:DescribeLaunchConfigurations",
              "autoscaling:DescribeScalingActivities",
              "autoscaling:DescribeTags",
              "ec2:DescribeImages",
              "ec2:DescribeInstanceTypes",
              "ec2:DescribeLaunchTemplateVersions",
              "ec2:GetInstanceTypesFromInstanceRequirements",
            ]
            Resource = "*"
          },
        ]
      })
    }

    # The CloudWatch exporter feeds the SQS metrics (queue depth, age of the
    # oldest message) to Prometheus for the subscriber chart's alerts.
    cloudwatch-exporter = {
      service_accounts = [var.service_accounts.cloudwatch_exporter]
      policy = jsonencode({
        Version = "2012-10-17"
        Statement = [{
          # CloudWatch's metric read actions support no resource-level permissions.
          Sid      = "ReadMetrics"
          Effect   = "Allow"
          Action   = ["cloudwatch:GetMetricData", "cloudwatch:GetMetricStatistics", "cloudwatch:ListMetrics"]
          Resource = "*"
        }]
      })
    }

    # CI pushes the publisher and subscriber images, to these repositories only.
    ci-image-push = {
      service_accounts = var.ci_service_accounts
      policy = jsonencode({
        Version = "2012-10-17"
        Statement = [
          {
            Sid      = "PushImages"
            Effect   = "Allow"
            Action   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload", "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"]
            Resource = sort(values(var.ecr_repository_arns))
          },
          {
            # The registry login token is account-wide by nature.
            Sid      = "LogIn"
            Effect   = "Allow"
            Action   = ["ecr:GetAuthorizationToken"]
            Resource = "*"
          },
        ]
      })
    }
  }
}

module "role" {
  source   = "../irsa-role"
  for_each = local.roles

  name              = "${var.name_prefix}${each.key}"
  description       = "IRSA role of ${join(", ", each.value.service_accounts)} (${each.key})"
  oidc_provider_arn = var.oidc_provider_arn
  oidc_issuer       = var.oidc_issuer
  service_accounts  = each.value.service_accounts
  policy            = each.value.policy

  tags = var.tags
}
