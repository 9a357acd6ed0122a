# Offline tests of the cluster add-ons' roles: each trusts exactly its add-on's
# service account and holds exactly the expected permissions.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "eu-west-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
}

variables {
  name_prefix       = "pubsub-ingest-dev-"
  oidc_provider_arn = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
  oidc_issuer       = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
  cluster_name      = "pubsub-ingest-dev"
  ecr_repository_arns = {
    publisher  = "arn:aws:ecr:eu-west-1:111122223333:repository/pubsub-ingest-dev/publisher"
    subscriber = "arn:aws:ecr:eu-west-1:111122223333:repository/pubsub-ingest-dev/subscriber"
  }
}

run "each_role_trusts_its_add_on" {
  assert {
    condition = {
      for k, r in output.roles : k => jsondecode(r.trust_policy).Statement[0].Condition.StringEquals["${var.oidc_issuer}:sub"]
      } == {
      "keda-operator"                = ["system:serviceaccount:keda:keda-operator"]
      "aws-load-balancer-controller" = ["system:serviceaccount:kube-system:aws-load-balancer-controller"]
      "cluster-autoscaler"           = ["system:serviceaccount:kube-system:cluster-autoscaler"]
      "cloudwatch-exporter"          = ["system:serviceaccount:monitoring:cloudwatch-exporter"]
      "ci-image-push"                = ["system:serviceaccount:jenkins:jenkins-agent"]
    }
    error_message = "Each role must trust only its add-on's service account (as the add-on's chart names it by default)."
  }

  assert {
    condition     = output.role_arns["keda-operator"] == "arn:aws:iam::111122223333:role/pubsub-ingest-dev-keda-operator" && output.roles["keda-operator"].policy == null
    error_message = "The KEDA operator's role holds no permission of its own."
  }
}

run "load_balancer_controller_has_the_upstream_policy" {
  assert {
    condition     = jsondecode(output.roles["aws-load-balancer-controller"].policy) == jsondecode(file("${path.module}/policies/aws-load-balancer-controller-v2.17.1.json"))
    error_message = "The controller's policy is the upstream one of the pinned controller version."
  }

  assert {
    condition     = contains(flatten([for s in jsondecode(output.roles["aws-load-balancer-controller"].policy).Statement : s.Action]), "elasticloadbalancing:CreateLoadBalancer")
    error_message = "The controller may create the publisher's load balancer."
  }
}

run "cluster_autoscaler_may_resize_only_this_clusters_groups" {
  assert {
    condition = one([
      for s in jsondecode(output.roles["cluster-autoscaler"].policy).Statement : s if s.Sid == "ResizeOwnNodeGroups"
      ]) == {
      Sid       = "ResizeOwnNodeGroups"
      Effect    = "Allow"
      Action    = ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]
      Resource  = "arn:aws:autoscaling:eu-west-1:111122223333:autoScalingGroup:*:autoScalingGroupName/*"
      Condition = { StringEquals = { "aws:ResourceTag/k8s.io/cluster-autoscaler/pubsub-ingest-dev" = "owned" } }
    }
    error_message = "Only Auto Scaling groups tagged as owned by this cluster may be resized."
  }

  assert {
    condition = toset(flatten([
      for s in jsondecode(output.roles["cluster-autoscaler"].policy).Statement : [for a in s.Action : "${a} ${s.Resource}"] if s.Resource != "*"
      ])) == toset([
      "autoscaling:SetDesiredCapacity arn:aws:autoscaling:eu-west-1:111122223333:autoScalingGroup:*:autoScalingGroupName/*",
      "autoscaling:TerminateInstanceInAutoScalingGroup arn:aws:autoscaling:eu-west-1:111122223333:autoScalingGroup:*:autoScalingGroupName/*",
      "eks:DescribeNodegroup arn:aws:eks:eu-west-1:111122223333:nodegroup/pubsub-ingest-dev/*/*",
    ])
    error_message = "The write actions and the node group lookups are scoped to this cluster."
  }

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(output.roles["cluster-autoscaler"].policy).Statement : [
        for a in s.Action : can(regex("^(autoscaling|ec2):(Describe|Get)", a))
      ] if s.Resource == "*"
    ]))
    error_message = "Only Describe and Get actions are on any resource."
  }
}

run "cloudwatch_exporter_only_reads_metrics" {
  assert {
    condition     = flatten([for s in jsondecode(output.roles["cloudwatch-exporter"].policy).Statement : s.Action]) == ["cloudwatch:GetMetricData", "cloudwatch:GetMetricStatistics", "cloudwatch:ListMetrics"]
    error_message = "The exporter reads metrics and does nothing else."
  }
}

run "ci_may_push_to_the_two_repositories_only" {
  assert {
    condition = toset(flatten([
      for s in jsondecode(output.roles["ci-image-push"].policy).Statement : [for a in s.Action : [for r in flatten([s.Resource]) : "${a} ${r}"]]
      ])) == toset(flatten([
      ["ecr:GetAuthorizationToken *"],
      [for a in ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload", "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"] : [
        "${a} arn:aws:ecr:eu-west-1:111122223333:repository/pubsub-ingest-dev/publisher",
        "${a} arn:aws:ecr:eu-west-1:111122223333:repository/pubsub-ingest-dev/subscriber",
      ]],
    ]))
    error_message = "CI may log in to the registry and push to the publisher and subscriber repositories, nothing else (no delete, no other repository)."
  }
}

run "service_accounts_are_variables" {
  variables {
    service_accounts    = { keda_operator = "platform/keda" }
    ci_service_accounts = ["ci/builder", "ci/releaser"]
  }

  assert {
    condition = (
      output.roles["keda-operator"].service_accounts == tolist(["platform/keda"]) &&
      output.roles["aws-load-balancer-controller"].service_accounts == tolist(["kube-system/aws-load-balancer-controller"]) &&
      jsondecode(output.roles["ci-image-push"].trust_policy).Statement[0].Condition.StringEquals["${var.oidc_issuer}:sub"] == ["system:serviceaccount:ci:builder", "system:serviceaccount:ci:releaser"]
    )
    error_message = "The trusted service accounts follow the variables; unset ones keep the charts' defaults."
  }
}
