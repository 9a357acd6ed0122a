provider "aws" {
  region = var.region
}

module "ecr" {
  source = "../../../ecr"

  name_prefix = "pubsub-ingest-example/"
}

module "platform_irsa" {
  source = "../../"

  name_prefix         = "pubsub-ingest-example-"
  oidc_provider_arn   = var.oidc_provider_arn
  oidc_issuer         = var.oidc_issuer
  cluster_name        = "pubsub-ingest-example"
  ecr_repository_arns = module.ecr.repository_arns

  tags = { Example = "platform-irsa" }
}
