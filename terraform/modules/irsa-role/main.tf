data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

locals {
  # Trusted only through the cluster's OIDC provider, only by the listed
  # service accounts, and only for tokens issued for STS.
  trust_policy = {
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = var.oidc_provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "${var.oidc_issuer}:sub" = [for sa in var.service_accounts : "system:serviceaccount:${replace(sa, "/", ":")}"]
          "${var.oidc_issuer}:aud" = "sts.amazonaws.com"
        }
      }
    }]
  }
}

resource "aws_iam_role" "this" {
  name                 = var.name
  description          = var.description
  assume_role_policy   = jsonencode(local.trust_policy)
  max_session_duration = var.max_session_duration

  tags = var.tags
}

resource "aws_iam_role_policy" "this" {
  count = var.policy == null ? 0 : 1

  name   = var.name
  role   = aws_iam_role.this.id
  policy = var.policy
}

resource "aws_iam_role_policy_attachment" "this" {
  for_each = var.managed_policy_arns

  role       = aws_iam_role.this.name
  policy_arn = each.value
}
