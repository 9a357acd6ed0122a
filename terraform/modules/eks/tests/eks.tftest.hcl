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
    condition     = jsondecode(aws_iam_role.vpc_cni.assume_role_policy).Statement[0].Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub"] == "system:serviceaccount:kube-system:aws-node"
    error_message = "The VPC CNI role trusts only kube-system/aws-node."
  }
}

run "core_addons_around_the_nodes" {
  assert {
    condition     = toset(keys(aws_eks_addon.before_compute)) == toset(["vpc-cni", "kube-proxy"]) && toset(keys(aws_eks_addon.after_compute)) == toset(["coredns"])
    error_message = "vpc-cni and kube-proxy come before the nodes, coredns after."
  }

  assert {
    condition     = aws_eks_addon.before_compute["vpc-cni"].service_account_role_arn == aws_iam_role.vpc_cni.arn
    error_message = "The VPC CNI uses its IRSA role."
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
