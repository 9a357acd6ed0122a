provider "aws" {
  region = var.region
}

module "messaging" {
  source = "../../../messaging"

  name_prefix = "irsa-example-"
}

module "irsa" {
  source = "../../"

  name_prefix       = "pubsub-ingest-example-"
  oidc_provider_arn = var.oidc_provider_arn
  oidc_issuer       = var.oidc_issuer
  namespace         = "pubsub-ingest"

  topic_arn           = module.messaging.topic_arn
  queue_arn           = module.messaging.queue_arn
  kms_key_arn         = module.messaging.kms_key_arn
  database_secret_arn = var.database_secret_arn

  tags = { Example = "irsa" }
}
