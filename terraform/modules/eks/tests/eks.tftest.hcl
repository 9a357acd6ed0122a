mock_provider "aws" {
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111122223333:role/mock" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:111122223333:log-group:mock" }
  }
  mock_resource "aws_launch_template" {
    defaults = { id = "lt-0123456789abcdef0", latest_version = 1 }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
}

override_resource {
  target = aws_eks_cluster.this
  values = {
    identity              = [{ oidc = [{ issuer = "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE" }] }]
    certificate_authority = [{ data = "bW9jaw==" }]
  }
}

override_resource {
  target = aws_iam_openid_connect_provider.this
  values = { arn = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE" }
}

variables {
  name               = "pubsub-ingest-dev"
  kubernetes_version = "1.34"
  subnet_ids         = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  node_groups = {
    default = {
      instance_types = ["t3.large"]
      min_size       = 1
      max_size       = 3
      desired_size   = 2
    }
  }
}

run "private_api_encrypted_secrets_and_logs" {
  assert {
    condition     = aws_eks_cluster.this.vpc_config[0].endpoint_private_access && !aws_eks_cluster.this.vpc_config[0].endpoint_public_access
    error_message = "The API is private by default."
  }

  assert {
    condition     = aws_eks_cluster.this.encryption_config[0].resources == toset(["secrets"])
    error_message = "Kubernetes secrets are encrypted with KMS."
  }

  assert {
    condition     = aws_eks_cluster.this.access_config[0].authentication_mode == "API"
    error_message = "Access entries, not the aws-auth ConfigMap."
  }
}

run "oidc_provider_for_irsa" {
  assert {
    condition     = aws_iam_openid_connect_provider.this.client_id_list == toset(["sts.amazonaws.com"])
    error_message = "The OIDC provider serves STS."
  }

  assert {
    condition     = output.oidc_issuer == "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
    error_message = "The issuer output has no scheme, as IRSA condition keys need."
  }

  assert {
    condition = jsondecode(module.addon_role["vpc-cni"].trust_policy).Statement[0].Condition.StringEquals == {
      "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub" = ["system:serviceaccount:kube-system:aws-node"]
      "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud" = "sts.amazonaws.com"
    }
    error_message = "The VPC CNI role trusts only kube-system/aws-node."
  }

  assert {
    condition = jsondecode(module.addon_role["aws-ebs-csi-driver"].trust_policy).Statement[0].Condition.StringEquals[
      "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub"
    ] == ["system:serviceaccount:kube-system:ebs-csi-controller-sa"]
    error_message = "The EBS CSI driver role trusts only kube-system/ebs-csi-controller-sa."
  }

  assert {
    condition = (
      module.addon_role["vpc-cni"].managed_policy_arns == { AmazonEKS_CNI_Policy = "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy" } &&
      module.addon_role["aws-ebs-csi-driver"].managed_policy_arns == { "service-role/AmazonEBSCSIDriverPolicy" = "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy" } &&
      module.addon_role["vpc-cni"].policy == null && module.addon_role["aws-ebs-csi-driver"].policy == null
    )
    error_message = "Each add-on role holds exactly its AWS managed policy."
  }
}

run "core_addons_around_the_nodes" {
  assert {
    condition     = toset(keys(aws_eks_addon.before_compute)) == toset(["vpc-cni", "kube-proxy"]) && toset(keys(aws_eks_addon.after_compute)) == toset(["coredns", "aws-ebs-csi-driver"])
    error_message = "vpc-cni and kube-proxy come before the nodes, coredns and the EBS CSI driver after."
  }

  assert {
    condition = (
      aws_eks_addon.before_compute["vpc-cni"].service_account_role_arn == "arn:aws:iam::111122223333:role/pubsub-ingest-dev-vpc-cni" &&
      aws_eks_addon.after_compute["aws-ebs-csi-driver"].service_account_role_arn == "arn:aws:iam::111122223333:role/pubsub-ingest-dev-aws-ebs-csi-driver" &&
      aws_eks_addon.after_compute["coredns"].service_account_role_arn == null
    )
    error_message = "The VPC CNI and the EBS CSI driver use their own IRSA roles; CoreDNS needs none."
  }
}

run "network_policies_are_enforced" {
  assert {
    condition     = jsondecode(aws_eks_addon.before_compute["vpc-cni"].configuration_values).enableNetworkPolicy == "true"
    error_message = "The VPC CNI must run its network policy agent, or NetworkPolicies are silently ignored."
  }
}

run "network_policy_agent_keeps_other_vpc_cni_settings" {
  variables {
    addons = {
      "vpc-cni"    = { before_compute = true, configuration_values = "{\"env\":{\"ENABLE_PREFIX_DELEGATION\":\"true\"}}" }
      "kube-proxy" = { before_compute = true }
      "coredns"    = {}
    }
  }

  assert {
    condition = jsondecode(aws_eks_addon.before_compute["vpc-cni"].configuration_values) == {
      env                 = { ENABLE_PREFIX_DELEGATION = "true" }
      enableNetworkPolicy = "true"
    }
    error_message = "The network policy setting is merged into the VPC CNI's own configuration."
  }

  assert {
    condition     = !contains(keys(module.addon_role), "aws-ebs-csi-driver")
    error_message = "Without the EBS CSI add-on there is no role for it."
  }
}

run "nodes_keep_pods_away_from_the_node_role" {
  assert {
    condition = (
      aws_launch_template.node["default"].metadata_options[0].http_tokens == "required" &&
      aws_launch_template.node["default"].metadata_options[0].http_put_response_hop_limit == 1
    )
    error_message = "IMDSv2 only, with a hop limit of 1."
  }
}

run "rejects_a_public_api_open_to_the_internet" {
  command = plan

  variables {
    endpoint_public_access       = true
    endpoint_public_access_cidrs = ["0.0.0.0/0"]
  }

  expect_failures = [aws_eks_cluster.this]
}
